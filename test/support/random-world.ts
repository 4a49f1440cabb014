// Generated worlds for tests that compare two ways of counting: families with merged children
// (chains, some across families), repeated review dates, blank and unknown codes and every
// consent decision, from a seed so a failing world can be found again.
import type { Knex } from 'knex';
import type { CodeLists } from '../../server/annual-return/counting.js';
import { addDays } from '../../server/common/dates.js';

/** A small deterministic random number generator (mulberry32), so a failing world can be found again. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export async function generateWorld(db: Knex, codes: CodeLists, seed: number) {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const now = '2025-01-01T00:00:00.000Z';
  const day = () => addDays('2022-10-01', Math.floor(rnd() * 1100));
  const maybe = () => (rnd() < 0.35 ? null : day());
  const insertId = async (table: string, row: Record<string, unknown>) => {
    const [r] = await db(table).insert(row).returning('id');
    return Number(typeof r === 'object' ? r.id : r);
  };
  const childIds: number[] = [];
  for (let f = 0; f < 12; f++) {
    const familyId = await insertId('families', { family_ref: `G${seed}-F${f}`, version: 1, created_at: now, updated_at: now });
    const kids: number[] = [];
    for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) {
      const id = await insertId('children', {
        family_id: familyId, child_ref: `G${seed}-F${f}-C${k}`, cms_id: rnd() < 0.7 ? `CMS${seed}${f}${k}` : null,
        date_of_birth: rnd() < 0.85 ? addDays('2006-01-01', Math.floor(rnd() * 6900)) : null, sex: pick(['F', 'M', null]),
        ethnicity: pick([...codes.ethnicity.slice(0, 4).map((c) => c.code), null]), version: 1, created_at: now, updated_at: now,
      });
      if (rnd() < 0.3) await db('child_disabilities').insert({ child_id: id, code: pick(['NONE', codes.disability?.[1]?.code ?? 'AUT']) });
      kids.push(id);
      childIds.push(id);
    }
    for (let r = 0; r < 1 + Math.floor(rnd() * 4); r++) {
      const decision = pick(['GIVEN', 'DECLINED', 'NORESP', null] as const);
      const reason = (list: string) => pick([...codes[list].slice(0, 3).map((c) => c.code), null, 'ZZZ']);
      const referralId = await insertId('referrals', {
        referral_ref: `G${seed}-F${f}-R${r}`, family_id: familyId, referral_date: day(),
        stage_offered: pick(['CP', 'CIN', 'EH', null, '', 'ZZZ']), referral_source: pick(['SCHOOL', 'POLICE', null, '']),
        offer_date: maybe(), consent_decision: decision, consent_date: maybe(), consent_withdrawn_date: rnd() < 0.1 ? day() : null,
        decline_reason: reason('decline_reason'), fgc_not_held_reason: reason('not_held_reason'),
        initial_fgc_date: maybe(), plan_agreed: pick([true, false, null]), plan_date: maybe(), closure_date: maybe(),
        version: 1, created_at: now, updated_at: now,
      });
      const on = kids.filter(() => rnd() < 0.7);
      for (const childId of on.length ? on : [kids[0]]) await db('referral_children').insert({ referral_id: referralId, child_id: childId, legal_status: pick(['CP', 'CIN', null]) });
      // up to three reviews, often two on one date (one meeting)
      const first = day();
      for (let v = 0; v < Math.floor(rnd() * 4); v++) await db('review_conferences').insert({ referral_id: referralId, review_date: v > 0 && rnd() < 0.5 ? first : day(), created_at: now });
    }
  }
  // merges into an earlier child (chains, no loops), some across families
  for (let i = 1; i < childIds.length; i++) {
    if (rnd() < 0.2) await db('children').where({ id: childIds[i] }).update({ merged_into_id: childIds[Math.floor(rnd() * i)] });
  }
}
