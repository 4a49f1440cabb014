// A family: its children, episodes and data-quality issues (views/cases/family.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { currentCodeLists, codeLabel } from '../../codes/code-lists.js';
import { currentUsers } from '../../auth/users.js';
import { currentSettings } from '../../admin/settings.js';
import { todayIso } from '../../common/dates.js';
import { notFound } from '../../middleware/errors.js';
import { datasetIssues, issueLines } from '../../quality/record-checks.js';
import { familyDataset } from '../../quality/report-data.js';
import { loadFamilyWithChildren } from '../children-repository.js';
import { loadReferrals } from '../referrals-repository.js';
import { nextStep } from '../next-step.js';
import { familyName } from '../names.js';
import { idParam } from '../../middleware/params.js';

export function familyPage({ db }: Services) {
  async function get(req: Request, res: Response) {
    const today = todayIso();
    const id = idParam(req);
    const [loaded, referrals, codes, users, settings] = await Promise.all([
      loadFamilyWithChildren(db, id), loadReferrals(db, { family_id: id }), currentCodeLists(db, req), currentUsers(db, req), currentSettings(db, req),
    ]);
    if (!loaded) throw notFound();
    const { family, children } = loaded;
    // the data-quality issues of the records just loaded (not read again)
    const issues = issueLines(await datasetIssues(db, familyDataset(family, children, referrals), today, settings.cms_id_pattern ?? null), children);
    const refs = new Map(children.map((c) => [c.id, c.child_ref]));
    const name = familyName(children.filter((c) => !c.merged_into_id));
    res.render('cases/family', {
      title: name ? `${name} family` : `Family ${family.family_ref}`, familyName: name,
      family, children, codes, codeLabel, issues, mergedInto: (c: { merged_into_id: number | null }) => (c.merged_into_id ? refs.get(c.merged_into_id) : null),
      episodes: referrals.map((r) => ({ ...r, next: nextStep(r, today), coordinator: (r.coordinator_id !== null ? users.byId.get(r.coordinator_id)?.name : undefined) ?? r.coordinator_name })),
      backLink: '/cases',
    });
  }

  return { get };
}
