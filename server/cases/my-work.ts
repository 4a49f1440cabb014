import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import type { Services } from '../services.js';
import { addDays, todayIso } from '../common/dates.js';
import { withNames } from './case-list.js';
import { loadReferrals } from './referrals-repository.js';
import { nextStep, type NextStep } from './next-step.js';

// "My work": the signed-in coordinator's episodes that need something from them, each with
// its next step and when it is due, overdue first: open episodes, and closed ones whose 6- or
// 12-month outcome is due within four weeks or overdue.

export interface WorkItem {
  referralId: number;
  referralRef: string;
  referralDate: string;
  familyId: number;
  familyRef: string;
  familyName: string | null;
  children: string[];
  next: NextStep;
  /** the form that records the next step */
  href: string;
  overdue: boolean;
}

/** A closed episode comes back to My work this many days before an outcome is due. */
export const OUTCOME_NOTICE_DAYS = 28;

/** Where a next step is recorded. */
export function stepHref(referralId: number, next: NextStep): string {
  if (next.stage === 'reviews') return `/referrals/${referralId}/reviews/new`;
  if (next.stage === 'outcomes') return `/referrals/${referralId}/outcomes`;
  if (next.stage) return `/referrals/${referralId}/stages/${next.stage}`;
  return `/referrals/${referralId}`;
}

/** Overdue first (oldest due first), then by due date, then those with no date (oldest referral first); ties by referral reference. */
export function workOrder(a: WorkItem, b: WorkItem): number {
  const rank = (w: WorkItem) => (w.overdue ? 0 : w.next.due ? 1 : 2);
  return rank(a) - rank(b)
    || (a.next.due ?? '').localeCompare(b.next.due ?? '')
    || a.referralDate.localeCompare(b.referralDate)
    || a.referralRef.localeCompare(b.referralRef);
}

export async function myWork(db: Knex, userId: number, today: string): Promise<WorkItem[]> {
  const ids = (await db('referrals').where({ coordinator_id: userId })
    .where((w) => w.whereNull('closure_date').orWhereNotNull('initial_fgc_date')).select('id')).map((r) => Number(r.id));
  if (!ids.length) return [];
  const referrals = await loadReferrals(db, { ids });
  const items = referrals
    .map((r) => ({ r, next: nextStep(r, today) }))
    // closed episodes only from four weeks before an outcome falls due
    .filter(({ r, next }) => !r.closure_date || (next.stage === 'outcomes' && !!next.due && next.due <= addDays(today, OUTCOME_NOTICE_DAYS)));
  const families = new Map((await db('families').whereIn('id', [...new Set(items.map(({ r }) => r.family_id))]).select('id', 'family_ref')).map((f) => [Number(f.id), f.family_ref as string]));
  const named = await withNames(db, items.map(({ r, next }) => ({ id: r.id, family_id: r.family_id, r, next })));
  return named.map(({ r, next, children, family_name }) => ({
    referralId: r.id, referralRef: r.referral_ref, referralDate: r.referral_date, familyId: r.family_id, familyRef: families.get(r.family_id) ?? '',
    familyName: family_name, children, next, href: stepHref(r.id, next), overdue: !!next.due && next.due < today,
  })).sort(workOrder);
}

export function myWorkHandler({ db }: Services) {
  return async (req: Request, res: Response) => {
    const items = await myWork(db, req.user!.id, todayIso());
    res.render('cases/my-work', { title: 'My work', items, overdue: items.filter((i) => i.overdue).length });
  };
}
