// Take-up counted in the database: the same populations as computeReturn (counting.ts) and
// cohortFunnel (funnel.ts), as sums over one scan of the referrals, distinct children over one
// scan of their links, and review meetings over one scan of the reviews, so the landing page
// does not read tens of thousands of rows into memory. Children count once: merged records
// resolve to their survivor (people.ts, over every merged record, which are few). The
// predicates mirror computeReturn's one for one; test/insight-loading.test.ts checks
// that both give the same figures on hand-made and generated worlds, on SQLite and PostgreSQL.
import type { Knex } from 'knex';
import { isPostgres } from '../../db/connection.js';
import type { Range } from './common.js';
import { applyFilters } from './data.js';
import type { ActivityCounts, FunnelStep } from './funnel.js';
import { FUNNEL_STEPS } from './funnel.js';
import type { Filters } from './filters.js';
import { personSql, rowsOf, within } from './sql.js';

/**
 * The take-up funnel's steps (referrals received in the period and how many have reached each
 * step, whenever) and what happened in the period, for FGCs and distinct children.
 */
export async function funnelCounts(db: Knex, period: Range, filters: Filters): Promise<{ steps: FunnelStep[]; activity: ActivityCounts }> {
  const pg = isPostgres(db);
  const yes = pg ? 'true' : '1';
  const referrals = applyFilters(db, db('referrals').select('id', 'referral_date', 'offer_date', 'consent_decision', 'consent_date', 'initial_fgc_date', 'plan_agreed', 'closure_date'), filters);
  const { join: mergeJoin, person, bindings: personBindings } = await personSql(db);
  const given = "r.consent_decision = 'GIVEN'";
  const cohort = within('r.referral_date', 'p');
  const fgcs = {
    referred: within('r.referral_date', 'p'),
    offered: within('r.offer_date', 'p'),
    consented: `${within('r.consent_date', 'p')} and ${given}`,
    declined: `${within('r.consent_date', 'p')} and r.consent_decision in ('DECLINED', 'NORESP')`,
    tookPlace: within('r.initial_fgc_date', 'p'),
    plansAgreed: `${within('r.initial_fgc_date', 'p')} and r.plan_agreed = ${yes}`,
    didNotTakePlace: `(r.initial_fgc_date is null or r.initial_fgc_date = '') and ${within('r.closure_date', 'p')}`,
    c_offered: `${cohort} and ${within('r.offer_date', 'all')}`,
    c_consented: `${cohort} and ${within('r.consent_date', 'all')} and ${given}`,
    c_tookPlace: `${cohort} and ${within('r.initial_fgc_date', 'all')}`,
    c_plansAgreed: `${cohort} and ${within('r.initial_fgc_date', 'all')} and r.plan_agreed = ${yes}`,
  };
  const reviewedEver = `r.id in (select referral_id from review_conferences where ${within('review_date', 'all')})`;
  const children = {
    referred: fgcs.referred,
    consented: fgcs.consented,
    tookPlace: fgcs.tookPlace,
    c_offered: fgcs.c_offered,
    c_consented: fgcs.c_consented,
    c_tookPlace: fgcs.c_tookPlace,
    c_plansAgreed: fgcs.c_plansAgreed,
    c_reviews: `${cohort} and ${reviewedEver}`,
  };
  const sums = (cases: Record<string, string>, what: (when: string) => string) => Object.entries(cases).map(([k, when]) => `${what(when)} as ${k}`).join(',\n  ');
  const bindings = { from: period.from, to: period.to, referrals, ...personBindings };
  const one = async (sql: string): Promise<Record<string, number>> => {
    const row = (await rowsOf(db, sql, bindings))[0] ?? {};
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), Number(v ?? 0)]));
  };
  const [f, c, v] = await Promise.all([
    // every population has a date in the period: only those referrals are counted
    one(`select\n  ${sums(fgcs, (when) => `sum(case when ${when} then 1 else 0 end)`)}\nfrom :referrals as r
where ${['referral_date', 'offer_date', 'consent_date', 'initial_fgc_date', 'closure_date'].map((c) => within(`r.${c}`, 'p')).join(' or ')}`),
    // each person once (one grouping), with whether any of their referrals is in each population
    one(`select\n  ${Object.keys(children).map((k) => `sum(${k}) as ${k}`).join(', ')}
from (select ${sums(children, (when) => `max(case when ${when} then 1 else 0 end)`)}
  from :referrals as r join referral_children rc on rc.referral_id = r.id ${mergeJoin}
  where ${within('r.referral_date', 'p')} or ${within('r.consent_date', 'p')} or ${within('r.initial_fgc_date', 'p')}
  group by ${person}) as people`),
    one(`select count(distinct case when ${within('v.review_date', 'p')} then v.referral_id end) as fgcs,
  count(distinct case when ${within('v.review_date', 'p')} then cast(v.referral_id as text) || ':' || v.review_date end) as meetings,
  count(distinct case when ${cohort} and ${within('v.review_date', 'all')} then v.referral_id end) as c_reviews
from :referrals as r join review_conferences v on v.referral_id = r.id`),
  ]);
  const n = (o: Record<string, number>, k: string) => o[k.toLowerCase()] ?? 0;
  const cohortCounts: Record<FunnelStep['key'], [number, number]> = {
    referred: [n(f, 'referred'), n(c, 'referred')],
    offered: [n(f, 'c_offered'), n(c, 'c_offered')],
    consented: [n(f, 'c_consented'), n(c, 'c_consented')],
    tookPlace: [n(f, 'c_tookPlace'), n(c, 'c_tookPlace')],
    plansAgreed: [n(f, 'c_plansAgreed'), n(c, 'c_plansAgreed')],
    reviews: [n(v, 'c_reviews'), n(c, 'c_reviews')],
  };
  const steps = FUNNEL_STEPS.map(({ key, label }) => ({ key, label, fgcs: cohortCounts[key][0], children: cohortCounts[key][1] }));
  const only = (k: string) => ({ fgcs: n(f, k), children: null });
  const activity: ActivityCounts = {
    populations: {
      referred: { fgcs: n(f, 'referred'), children: n(c, 'referred') },
      offered: only('offered'),
      consented: { fgcs: n(f, 'consented'), children: n(c, 'consented') },
      declined: only('declined'),
      tookPlace: { fgcs: n(f, 'tookPlace'), children: n(c, 'tookPlace') },
      plansAgreed: only('plansAgreed'),
      didNotTakePlace: only('didNotTakePlace'),
      reviews: { fgcs: n(v, 'fgcs'), children: null, meetings: n(v, 'meetings') },
    },
  };
  return { steps, activity };
}
