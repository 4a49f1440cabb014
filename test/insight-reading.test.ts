import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestApp, signIn, type Agent, type TestApp } from './support/app.js';
import { seedFamily, seedReferral } from './support/cases.js';
import { loadDemoData } from '../server/demo/load.js';
import { addDays, addMonths, todayIso } from '../server/common/dates.js';
import { financialYearOf, monthLabel, monthRange } from '../server/insight/period.js';
import { EQUITY_DIMENSIONS } from '../server/insight/equity.js';
import { REFUSAL_DIMENSIONS } from '../server/insight/refusals.js';
import type { SeedReferralFields } from './support/cases.js';

// The insight pages read well (issue 14), through the real app and database: the refusal
// cross-tabs fit the column (a GOV.UK details per category, each figure as in the downloaded
// table), equity of access has a details per characteristic, Trends leaves the month not over
// yet out of its lines and marks it partial, and Outcomes says "Nothing is due yet" instead of
// drawing an empty chart.

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&#34;|&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
const tables = (html: string) => html.match(/<table[\s\S]*?<\/table>/g) ?? [];
const colHeaders = (table: string) => (table.match(/<th scope="col"/g) ?? []).length;
const details = (html: string) => [...html.matchAll(/<details[^>]*>([\s\S]*?)<\/details>/g)].map((m) => ({ open: /<details[^>]* open/.test(m[0]), summary: text(/<summary[\s\S]*?<\/summary>/.exec(m[1])?.[0] ?? ''), body: m[1] }));

describe('insight pages on demo data', () => {
  let t: TestApp;
  let manager: Agent;
  const year = financialYearOf(todayIso()) - 1;

  beforeAll(async () => {
    t = await createTestApp();
    await loadDemoData(t.testDb.db, { referrals: 200, seed: 'reading' });
    manager = await signIn(t.app, t.users.manager.email);
  }, 120_000);
  afterAll(() => t?.close());

  it.each(REFUSAL_DIMENSIONS.map((d) => d.key))('Why FGCs do not happen, by %s: every table fits the column; each cross-tab is a details per category with the downloaded figures', async (by) => {
    const page = await manager.get(`/insight/refusals?year=${year}&by=${by}`);
    expect(page.status).toBe(200);
    // no table wider than a label and four figures
    for (const table of tables(page.text)) expect(colHeaders(table), text(table).slice(0, 80)).toBeLessThanOrEqual(5);
    let categoriesSeen = 0;
    for (const id of ['by-decline-reasons', 'by-not-held-reasons']) {
      const csv = await manager.get(`/insight/download?year=${year}&page=refusals&table=${id}&format=csv&by=${by}`);
      expect(csv.status).toBe(200);
      const rows: string[][] = parse(csv.text.replace(/^\uFEFF/, ''));
      const [head, ...body] = rows;
      const total = body.at(-1)!;
      const unit = head.at(-1)!.replace(/^Total /, '');
      const section = new RegExp(`<div class="app-crosstab" id="table-${id}">([\\s\\S]*?)</div>\\s*(?:<p|<h)`).exec(page.text);
      const shown = section ? details(section[1]) : [];
      const expected = head.slice(1, -1).map((category, i) => ({ category, count: Number(total[i + 1]), i })).filter((c) => c.count > 0);
      expect(shown.map((d) => d.summary), id).toEqual(expected.map((c) => `${c.category}: ${c.count} ${c.count === 1 ? unit.replace(/ren$/, '').replace(/s$/, '') : unit}`));
      for (const [k, c] of expected.entries()) {
        const reasons = body.slice(0, -1).filter((r) => Number(r[c.i + 1]) > 0).map((r) => `${r[0]} ${r[c.i + 1]}`).sort();
        const cells = [...shown[k].body.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].slice(1).map((m) => text(m[1]));
        expect(cells.slice(0, -1).sort(), `${id} ${c.category}`).toEqual(reasons);
        expect(cells.at(-1), `${id} ${c.category}`).toBe(`${total[0]} ${total[c.i + 1]}`);
        categoriesSeen++;
      }
    }
    expect(categoriesSeen).toBeGreaterThan(0);
  });

  it('Equity of access: a details per characteristic, the first open, each with its chart and table', async () => {
    const page = await manager.get(`/insight/equity?year=${year}`);
    expect(page.status).toBe(200);
    const shown = details(page.text).filter((d) => EQUITY_DIMENSIONS.some((e) => d.summary.startsWith(e.label)));
    expect(shown.map((d) => d.summary.replace(/ \(some small numbers\)$/, ''))).toEqual(EQUITY_DIMENSIONS.map((e) => e.label));
    expect(shown.map((d) => d.open)).toEqual(EQUITY_DIMENSIONS.map((_, i) => i === 0));
    for (const d of shown) {
      expect(d.body, d.summary).toMatch(/<svg[^>]*role="img"/);
      expect(tables(d.body), d.summary).toHaveLength(1);
    }
  });

  it('Trends: the month not over yet is marked partial in the table and left out of the lines', async () => {
    const today = todayIso();
    const month = today.slice(0, 7);
    const partial = today !== monthRange(month).to;
    const page = await manager.get('/insight/trends');
    expect(page.status).toBe(200);
    const table = /<table[^>]*id="table-trends"[\s\S]*?<\/table>/.exec(page.text)![0];
    const row = [...table.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].map((m) => text(m[1])).find((r) => r.startsWith(monthLabel(month)))!;
    const svg = /<svg[\s\S]*?<\/svg>/.exec(page.text)![0];
    const axis = [...svg.matchAll(/<text[^>]*transform="rotate[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const lastDrawn = partial ? addMonths(`${month}-01`, -1).slice(0, 7) : month;
    expect(axis.at(-1)).toBe(monthLabel(lastDrawn, true));
    if (partial) {
      expect(row).toContain(`Partial month: counted to ${Number(today.slice(8))} ${monthLabel(month).split(' ')[0]}`);
      expect(axis).not.toContain(monthLabel(month, true));
      expect(text(page.text)).toContain(`${monthLabel(month)} is not over yet, so the chart stops at the month before it`);
    } else expect(row).not.toContain('Partial month');
  });
});

describe('outcomes with nothing due', () => {
  let t: TestApp;
  let manager: Agent;
  const today = todayIso();
  const range = (from: string, to: string) => {
    const [fy, fm, fd] = from.split('-');
    const [ty, tm, td] = to.split('-');
    return `from-day=${+fd}&from-month=${+fm}&from-year=${fy}&to-day=${+td}&to-month=${+tm}&to-year=${ty}`;
  };

  beforeAll(async () => {
    t = await createTestApp();
    manager = await signIn(t.app, t.users.manager.email);
  }, 60_000);
  afterAll(() => t?.close());

  const held = async (ref: string, conference: string) => {
    const f = await seedFamily(t.testDb.db, ref, [{ first_name: 'Ola', last_name: ref, date_of_birth: '2015-01-01' }]);
    const id = await seedReferral(t.testDb.db, f.familyId, [{ child_id: f.childIds[0], legal_status: 'CP' }], {
      referral_date: addDays(conference, -40), offer_date: addDays(conference, -35), consent_decision: 'GIVEN', consent_date: addDays(conference, -30),
      initial_fgc_date: conference,
    } as SeedReferralFields);
    return id;
  };

  it('says "Nothing is due yet", with no chart, until an outcome falls due; draws a chart only for outcomes recorded', async () => {
    // a conference a month ago: no outcome due
    await held('OUT-NEW', addDays(today, -30));
    const early = await manager.get(`/insight/outcomes?${range(addDays(today, -60), today)}`);
    expect(early.status).toBe(200);
    expect(text(early.text).match(/Nothing is due yet\./g)).toHaveLength(4);
    expect(early.text).not.toContain('<svg');

    // conferences 8 months ago: one with its 6-month outcome recorded, one without
    const recorded = await held('OUT-DONE', addMonths(today, -8));
    await t.testDb.db('referral_children').where({ referral_id: recorded }).update({ outcome_6m_legal_status: 'CIN', outcome_6m_living: 'PARENTS' });
    const wider = await manager.get(`/insight/outcomes?${range(addMonths(today, -9), today)}`);
    const charts = [...wider.text.matchAll(/<svg[\s\S]*?<title[^>]*>([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(charts).toEqual([expect.stringMatching(/^Legal status 6 months after/), expect.stringMatching(/^Living arrangement 6 months after/)]);
    expect(text(wider.text).match(/Nothing is due yet\./g)).toHaveLength(2); // the 12-month outcomes

    const lapsed = await held('OUT-LATE', addDays(addMonths(today, -8), -20));
    const late = await manager.get(`/insight/outcomes?${range(addDays(addMonths(today, -8), -25), addDays(addMonths(today, -8), -15))}`);
    expect(late.text).not.toContain('<svg');
    expect(text(late.text)).toContain('None recorded yet. The outcome is due and not recorded for 1 child');
    expect(late.text).toContain(`href="/referrals/${lapsed}/outcomes"`);
  });
});
