// The check and the import: progress (the page refreshes itself while a job runs), the result,
// checking again and importing (views/tracker-import/status.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { problemCountText } from '../../interchange/problem-count.js';
import { jobDied, recordDeath } from '../jobs.js';
import { getImport, getMapping } from '../store.js';
import { BASE, trackerWork } from './working.js';

const REFRESH_SECONDS = 2;

export function trackerStatusPage(services: Services) {
  const { db } = services;
  const { uploadOf, runJob } = trackerWork(services);

  /** The upload, with a job that died without saying so recorded as failed. */
  async function current(req: Request) {
    const u = await uploadOf(req);
    return jobDied(u) ? recordDeath(db, u) : u;
  }

  async function get(req: Request, res: Response) {
    const u = await current(req);
    if (u.status === 'mapping' || (['checked', 'applied'].includes(u.status) && !u.result)) {
      return res.redirect(303, `${BASE}/${u.id}/${u.header_row ? 'columns' : 'header'}`);
    }
    const working = u.status === 'checking' || u.status === 'applying';
    if (working) res.setHeader('Refresh', String(REFRESH_SECONDS));
    const saved = u.mapping_id ? await getMapping(db, u.mapping_id) : null;
    const r = u.result;
    const n = r?.problemCount ?? 0;
    const errors = u.status === 'checked' && n
      ? { problems: `${problemCountText(n, r?.stoppedAt)}. Nothing has been imported. Correct the file or the mapping and check it again` }
      : {};
    const hasChanges = !!r && (['families', 'children', 'referrals'] as const).some((k) => r.summary[k].create + r.summary[k].update > 0);
    res.status(u.status === 'checked' && n ? 400 : 200).render('tracker-import/status', {
      title: working ? (u.status === 'checking' ? 'Checking the file' : 'Importing the file')
        : u.status === 'applied' ? 'Import complete'
          : u.status === 'failed' ? 'The file could not be checked'
            : n ? 'The file cannot be imported' : 'Check the import',
      errors, upload: u, result: r, working,
      // set only while the page should refresh itself (also sent as the Refresh header)
      refreshSeconds: working ? REFRESH_SECONDS : null,
      mappingName: saved?.name ?? null, hasChanges, base: BASE,
    });
  }

  async function check(req: Request, res: Response) {
    const u = await current(req);
    if (!['checked', 'failed'].includes(u.status)) return res.redirect(303, `${BASE}/${u.id}`);
    await runJob(u.id, (await getImport(db, u.id, req.user!.id))!, true, res);
  }

  async function apply(req: Request, res: Response) {
    const u = await uploadOf(req);
    const r = u.result;
    if (u.status !== 'checked' || !r?.dryRun || r.problemCount) {
      if (u.status === 'applied' || u.status === 'applying') return res.redirect(303, `${BASE}/${u.id}`);
      return res.status(409).render('errors/problem', { title: 'This file cannot be imported yet', message: 'Check the file first, and correct any problems.' });
    }
    await runJob(u.id, u, false, res);
  }

  return { get, check, apply };
}
