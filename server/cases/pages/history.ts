// The change history of a family, a child or a referral (views/cases/history.ejs).
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import type { Services } from '../../services.js';
import { notFound } from '../../middleware/errors.js';
import { loadHistory } from '../../audit/history.js';
import { historyNames, readableHistory } from '../history-view.js';
import { childName } from '../names.js';
import { loadChild } from '../children-repository.js';
import { loadFamily } from '../families-repository.js';
import { loadReferral } from '../referrals-repository.js';
import { idParam } from '../../middleware/params.js';

async function render(db: Knex, req: Request, res: Response, scope: 'family' | 'child' | 'referral', id: number, familyId: number, title: string, backLink: string) {
  const [entries, names] = await Promise.all([loadHistory(db, scope, id), historyNames(db, req, familyId)]);
  res.render('cases/history', { title, rows: readableHistory(entries, names), backLink });
}

export function historyPages({ db }: Services) {
  async function family(req: Request, res: Response) {
    const id = idParam(req);
    const found = await loadFamily(db, id);
    if (!found) throw notFound();
    await render(db, req, res, 'family', id, id, `Change history: family ${found.family_ref}`, `/families/${id}`);
  }

  async function child(req: Request, res: Response) {
    const id = idParam(req);
    const found = await loadChild(db, id);
    if (!found) throw notFound();
    await render(db, req, res, 'child', id, found.family_id, `Change history: ${childName(found)}`, `/families/${found.family_id}`);
  }

  async function referral(req: Request, res: Response) {
    const found = await loadReferral(db, idParam(req));
    if (!found) throw notFound();
    await render(db, req, res, 'referral', found.id, found.family_id, `Change history: referral ${found.referral_ref}`, `/referrals/${found.id}`);
  }

  return { family, child, referral };
}
