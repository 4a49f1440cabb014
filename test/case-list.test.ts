import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from './support/db.js';
import { PAGE_SIZE, searchCases } from '../server/cases/case-list.js';

// The case list's order, page by page, against the rule written out in full: the user's own
// open FGCs first, then every other FGC, each newest first (referral date, then id).
let t: TestDb;
let me: number;
let other: number;
const now = new Date().toISOString();

interface Row { id: number; referral_date: string; coordinator_id: number | null; closure_date: string | null; stage_offered: string }
const all: Row[] = [];

beforeAll(async () => {
  t = await createTestDb();
  const user = async (email: string) => {
    const [row] = await t.db('users').insert({ email, name: email, role: 'coordinator', active: true, created_at: now }).returning('id');
    return Number(typeof row === 'object' ? row.id : row);
  };
  me = await user('me@example.invalid');
  other = await user('other@example.invalid');
  const [f] = await t.db('families').insert({ family_ref: 'F-LIST', version: 1, created_at: now, updated_at: now }).returning('id');
  const familyId = Number(typeof f === 'object' ? f.id : f);
  // 140 referrals: mine open, mine closed, someone else's, nobody's; dates repeat so ids break ties
  const rows = Array.from({ length: 140 }, (_, i) => {
    const kind = i % 4;
    return {
      referral_ref: `R-${i}`, family_id: familyId, referral_date: `2024-0${1 + (i % 9)}-${String(1 + (i % 7)).padStart(2, '0')}`,
      coordinator_id: kind === 0 || kind === 1 ? me : kind === 2 ? other : null,
      closure_date: kind === 1 || i % 10 === 2 ? '2024-12-01' : null, stage_offered: i % 3 ? 'CP' : 'PLO',
      version: 1, created_at: now, updated_at: now,
    };
  });
  for (let i = 0; i < rows.length; i += 50) await t.db('referrals').insert(rows.slice(i, i + 50));
  all.push(...(await t.db('referrals').select('id', 'referral_date', 'coordinator_id', 'closure_date', 'stage_offered')));
});
afterAll(() => t.destroy());

/** The order the list promises, worked out in memory over every referral. */
function expected(userId: number, keep: (r: Row) => boolean = () => true): number[] {
  const own = (r: Row) => r.coordinator_id === userId && r.closure_date === null;
  const newest = (a: Row, b: Row) => (a.referral_date === b.referral_date ? b.id - a.id : a.referral_date < b.referral_date ? 1 : -1);
  const rows = all.filter(keep);
  return [...rows.filter(own).sort(newest), ...rows.filter((r) => !own(r)).sort(newest)].map((r) => r.id);
}

async function everyPage(userId: number, extra: { status?: 'open' | 'closed'; stage?: string } = {}) {
  const ids: number[] = [];
  let total = 0;
  for (let page = 1; page <= 10; page++) {
    const r = await searchCases(t.db, { page, userId, ...extra });
    total = r.total;
    ids.push(...r.rows.map((x) => x.id));
    if (r.rows.length < PAGE_SIZE) break;
  }
  return { ids, total };
}

describe('the case list order', () => {
  it('puts my open FGCs first, then the rest, newest first, across page boundaries', async () => {
    const mineOpen = all.filter((r) => r.coordinator_id === me && r.closure_date === null).length;
    expect(mineOpen % PAGE_SIZE).not.toBe(0); // a page holds the end of mine and the start of the rest
    const { ids, total } = await everyPage(me);
    expect(total).toBe(all.length);
    expect(ids).toEqual(expected(me));
  });

  it('is another coordinator\'s own order for them', async () => {
    expect((await everyPage(other)).ids).toEqual(expected(other));
  });

  it('keeps the order with the status and stage filters', async () => {
    const open = await everyPage(me, { status: 'open' });
    expect(open.ids).toEqual(expected(me, (r) => r.closure_date === null));
    expect(open.total).toBe(open.ids.length);
    const closed = await everyPage(me, { status: 'closed', stage: 'CP' });
    expect(closed.ids).toEqual(expected(me, (r) => r.closure_date !== null && r.stage_offered === 'CP'));
  });

  it('gives an empty page past the end', async () => {
    const r = await searchCases(t.db, { page: 50, userId: me });
    expect(r.rows).toEqual([]);
    expect(r.total).toBe(all.length);
  });
});
