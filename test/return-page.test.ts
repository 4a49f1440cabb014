import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, postForm, signIn, type Agent, type TestApp } from './support/app.js';
import { seedFamily, seedReferral } from './support/cases.js';
import { currentFinancialYear } from '../server/cases/years.js';

// The annual return page as a data lead meets it: it opens on the latest complete financial
// year, which its own year list offers; it warns before download of About-sheet answers
// left blank; its drill-downs have a clear heading and caption and name the children
// counted (references too), review meetings included. Names stay out of the workbook.

const plain = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ');

describe('the annual return page', () => {
  let t: TestApp;
  let lead: Agent;
  const latest = currentFinancialYear() - 1;

  beforeAll(async () => {
    t = await createTestApp();
    lead = await signIn(t.app, t.users.data_lead.email);
  }, 60_000);
  afterAll(() => t?.close());

  it('opens on the latest complete financial year, offered in its own year list, even with no cases yet', async () => {
    const start = await lead.get('/returns');
    expect(start.headers.location).toBe(`/returns/${latest}`);
    const page = await lead.get(start.headers.location);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(new RegExp(`<option value="${latest}" selected>`));
    expect(page.text).toContain(`<option value="${latest + 1}"`);
  });

  it('warns before download of blank About-sheet answers, with a link to fill them in, until they are given', async () => {
    const before = plain((await lead.get(`/returns/${latest}`)).text);
    expect(before).toMatch(/About sheet would be sent with \d+ answers blank: Council name/);
    expect((await lead.get(`/returns/${latest}`)).text).toContain('href="/returns/answers"');
    const answers: Record<string, string> = {
      council_name: 'Anytown Council', la_code: '201', contact_name: 'Dee Lead', contact_email: 'dee@anytown.example', delivery_model: 'In-house',
      stages_offered: 'All stages', referral_process: 'Social workers refer', how_offered: 'By letter and visit', frg_accredited: 'No',
    };
    expect((await postForm(lead, '/returns/answers', answers)).status).toBe(302);
    expect(plain((await lead.get(`/returns/${latest}`)).text)).not.toContain('About sheet would be sent');
  });

  it('drill-downs name the children counted, with references, a heading and a caption; review meetings too', async () => {
    const db = t.testDb.db;
    const from = `${latest}-05-01`;
    const f = await seedFamily(db, 'RET-1', [{ first_name: 'Gus', last_name: 'Hall', date_of_birth: '2015-01-01' }]);
    await seedReferral(db, f.familyId, [{ child_id: f.childIds[0], legal_status: 'CP' }], {
      referral_date: from, offer_date: from, consent_decision: 'GIVEN', consent_date: from, initial_fgc_date: `${latest}-06-01`, plan_agreed: true, plan_date: `${latest}-06-01`,
    }, { reviews: [`${latest}-09-01`] });
    const year = await lead.get(`/returns/${latest}`);
    const reviews = /href="(\/returns\/\d+\/figures\?population=reviews&amp;unit=fgcs)"/.exec(year.text);
    expect(reviews).not.toBeNull();
    const reviewPage = await lead.get(reviews![1].replace(/&amp;/g, '&'));
    expect(reviewPage.status).toBe(200);
    expect(plain(reviewPage.text)).toContain('Gus Hall');
    expect(reviewPage.text).toContain('<h1 class="govuk-heading-l">FGCs with review meetings held</h1>');
    const label = `${latest}-${String((latest + 1) % 100).padStart(2, '0')}`;
    expect(reviewPage.text).toContain(`<caption class="govuk-table__caption govuk-table__caption--m">1 FGC counted, with 1 review meeting in ${label}</caption>`);
    expect(plain(reviewPage.text)).toContain(`1 September ${latest}`);
    const children = await lead.get(`/returns/${latest}/figures?population=referred&unit=children`);
    const text = plain(children.text);
    // the figure's own name, said once (it read 'Referrals received (FGCs) and children subject to a referral (children)')
    expect(children.text).toContain('<h1 class="govuk-heading-l">Children subject to a referral</h1>');
    for (const [population, unit] of [['referred', 'fgcs'], ['consented', 'children'], ['tookPlace', 'children'], ['declined', 'fgcs']]) {
      const h1 = /<h1 class="govuk-heading-l">([^<]*)<\/h1>/.exec((await lead.get(`/returns/${latest}/figures?population=${population}&unit=${unit}`)).text)![1];
      const words = h1.toLowerCase().match(/[a-z]+/g)!.filter((w) => w.length > 3);
      expect(new Set(words).size, `${h1}: no word said twice`).toBe(words.length);
    }
    expect(children.text).toContain('<caption class="govuk-table__caption govuk-table__caption--m">1 child counted</caption>');
    expect(text).toContain('Gus Hall');
    expect(text).toMatch(/Gus Hall [A-Z0-9-]+ /); // name then reference
    // names only for the roles that see the return: the data lead (checked on the server)
    for (const role of ['coordinator', 'manager', 'admin'] as const) {
      const other = await signIn(t.app, t.users[role].email);
      const res = await other.get(`/returns/${latest}/figures?population=referred&unit=children`);
      expect(res.status, role).toBe(403);
      expect(res.text, role).not.toContain('Gus');
    }
    // never in the workbook
    const workbook = await lead.get(`/returns/${latest}/workbook.xlsx`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(workbook.status).toBe(200);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(workbook.body);
    let all = '';
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => (all += ` ${String(c.text)}`))));
    expect(all).not.toContain('Gus');
    expect(all).not.toContain('Hall');
  });
});
