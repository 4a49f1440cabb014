// Data retention: closed FGC episodes older than the years the settings keep, deleted on
// confirmation (views/admin/retention.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import type { FormErrors } from '../../common/forms.js';
import { loadSettings } from '../settings.js';
import { planPurge, purge, retentionCutoff } from '../retention.js';

export function retentionPage({ db }: Services) {
  const yearsKept = async () => Number((await loadSettings(db)).retention_years || 0);

  async function render(res: Response, status: number, errors: FormErrors, done?: object) {
    const years = await yearsKept();
    const plan = years ? await planPurge(db, retentionCutoff(years)) : null;
    res.status(status).render('admin/retention', { title: 'Data retention', years, plan, errors, done });
  }

  async function get(_req: Request, res: Response) {
    await render(res, 200, {});
  }

  async function purgePost(req: Request, res: Response) {
    const years = await yearsKept();
    if (!years) return render(res, 400, { form: 'Set the number of years to keep closed FGC episodes in the service settings first' });
    if (req.body.confirm !== 'yes') return render(res, 400, { confirm: 'Confirm that you want to delete these records permanently' });
    const done = await purge(db, req.user!.id, retentionCutoff(years));
    await render(res, 200, {}, done);
  }

  return { get, purge: purgePost };
}
