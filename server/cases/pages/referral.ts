// One referral: its stages, children and next step (views/cases/referral.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { codeLabel } from '../../codes/code-lists.js';
import { todayIso } from '../../common/dates.js';
import { familyIssues, issueLines } from '../../quality/record-checks.js';
import { familyName } from '../names.js';
import { nextStep } from '../next-step.js';
import { STAGES, stageForEpisode } from '../stages.js';
import { referralContext } from './referral-context.js';

export function referralPage({ db }: Services) {
  async function get(req: Request, res: Response) {
    const today = todayIso();
    const { referral, family, children, codes, coordinators } = await referralContext(db, req);
    const onReferral = new Map(referral.children.map((c) => [c.child_id, c]));
    // This referral's issues, and those of the children on it.
    const issues = (await familyIssues(db, family.id, today))
      .filter((i) => i.referral_id === referral.id || (i.referral_id === null && i.child_id !== null && onReferral.has(i.child_id)));
    res.render('cases/referral', {
      issues: issueLines(issues, children),
      title: `FGC referral ${referral.referral_ref}`,
      referral, family, familyName: familyName(children.filter((c) => !c.merged_into_id)), codes, codeLabel, stages: STAGES.map((s) => stageForEpisode(s, referral)), next: nextStep(referral, today),
      coordinator: coordinators.find((c) => c.id === referral.coordinator_id)?.name ?? referral.coordinator_name,
      children: children.filter((c) => onReferral.has(c.id)).map((c) => ({ ...c, link: onReferral.get(c.id)! })),
      backLink: `/families/${family.id}`,
    });
  }

  return { get };
}
