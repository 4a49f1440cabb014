// The service settings (views/admin/settings.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { auditChanges } from '../../audit/audit.js';
import { hasErrors } from '../../common/forms.js';
import { SETTINGS, loadSettings, saveSettings } from '../settings.js';
import { parseSettings } from '../forms.js';

export function settingsPage({ db }: Services) {
  async function get(req: Request, res: Response) {
    res.render('admin/settings', { title: 'Service settings', settings: SETTINGS, values: await loadSettings(db), errors: {}, saved: req.query.saved === '1' });
  }

  async function post(req: Request, res: Response) {
    const { values, errors } = parseSettings(req.body);
    if (hasErrors(errors)) return res.status(400).render('admin/settings', { title: 'Service settings', settings: SETTINGS, values, errors, saved: false });
    const before = await loadSettings(db);
    await db.transaction(async (trx) => {
      await saveSettings(trx, values);
      await auditChanges(trx, { userId: req.user!.id }, 'settings', 0, 'update', before, values);
    });
    res.redirect('/admin/settings?saved=1');
  }

  return { get, post };
}
