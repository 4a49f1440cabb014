import { describe, expect, it } from 'vitest';
import { SEED_CODE_LISTS } from '../../db/seed/code-lists.js';
import type { CodeLists } from '../codes/code-lists.js';
import { COLUMN_NAMES } from './columns.js';
import { unescapeCell, validateInterchange } from './validate.js';

const codes: CodeLists = Object.fromEntries(Object.entries(SEED_CODE_LISTS).map(([k, v]) => [k, v.map((c) => ({ ...c, retired: false }))]));

const BASE = { referral_ref: 'R1', family_ref: 'F1', referral_date: '2024-01-10', child_ref: 'C1' };

/** A table from rows given as column → value objects. */
function table(rows: Record<string, string>[], header = [...new Set([...Object.keys(BASE), ...rows.flatMap((r) => Object.keys(r))])]) {
  return { header, rows: rows.map((r) => header.map((h) => r[h] ?? '')) };
}
const check = (rows: Record<string, string>[], header?: string[]) => validateInterchange(table(rows, header), codes);

describe('header', () => {
  it('names an unknown column and suggests the nearest', () => {
    const p = check([{ ...BASE }], [...Object.keys(BASE), 'ethnicty']);
    expect(p.problems).toEqual([expect.objectContaining({ row: 1, column: 'ethnicty', message: expect.stringContaining('did you mean ethnicity') })]);
  });

  it('requires the reference and referral date columns', () => {
    const p = check([{ referral_ref: 'R1', family_ref: 'F1' }], ['referral_ref', 'family_ref']);
    expect(p.problems.map((x) => x.column).sort()).toEqual(['child_ref', 'referral_date']);
    expect(p.referrals).toEqual([]);
  });

  it('reports a repeated column, and accepts any order and case', () => {
    expect(check([BASE], ['child_ref', 'referral_ref', 'family_ref', 'referral_date', 'Referral_Date']).problems[0].message).toMatch(/more than once/);
    const t = { header: ['Child_Ref', ' referral_ref', 'family_ref', 'REFERRAL_DATE'], rows: [['C1', 'R1', 'F1', '2024-01-10']] };
    expect(validateInterchange(t, codes).problems).toEqual([]);
  });

  it('reports a value in a column with no heading', () => {
    const t = { header: ['referral_ref', 'family_ref', 'referral_date', 'child_ref'], rows: [['R1', 'F1', '2024-01-10', 'C1', 'stray']] };
    expect(validateInterchange(t, codes).problems).toEqual([expect.objectContaining({ row: 2, column: 'column 5', value: 'stray' })]);
  });
});

describe('cells', () => {
  it('accepts codes and labels case-insensitively, DD/MM/YYYY dates, Y/N and lists', () => {
    const p = check([{ ...BASE, referral_date: '10/01/2024', ethnicity: 'white british', sex: 'f', stage_offered: 'CHILD PROTECTION',
      disability: 'learning; AUT', advocate_used: 'y', attend_parents: '2', review_fgc_dates: '', plan_content: '' }]);
    expect(p.problems).toEqual([]);
    expect(p.referrals[0].fields).toMatchObject({ referral_date: '2024-01-10', stage_offered: 'CP', advocate_used: true, attend_parents: 2 });
    expect(p.children[0].fields).toMatchObject({ ethnicity: 'WBRI', sex: 'F' });
    expect(p.children[0].disabilities).toEqual(['AUT', 'LD']);
  });

  it('reports each bad value with its row and column', () => {
    const p = check([
      { ...BASE },
      { ...BASE, referral_ref: 'R2', child_ref: 'C2', referral_date: '31/02/2024' },
      { ...BASE, referral_ref: 'R3', child_ref: 'C3', ethnicity: 'Martian' },
      { ...BASE, referral_ref: 'R4', child_ref: 'C4', advocate_used: 'maybe', attend_parents: '-1' },
      { ...BASE, referral_ref: 'R5', child_ref: 'C5', disability: 'NONE;LD', review_fgc_dates: '2024-02-01;soon' },
    ]);
    expect(p.problems.map((x) => [x.row, x.column, x.value])).toEqual([
      [3, 'referral_date', '31/02/2024'],
      [4, 'ethnicity', 'Martian'],
      [5, 'attend_parents', '-1'],
      [5, 'advocate_used', 'maybe'],
      [6, 'review_fgc_dates', '2024-02-01;soon'],
      [6, 'disability', 'NONE;LD'],
    ]);
  });

  it('requires the references and referral date on every row, but allows a referral with no child', () => {
    const p = check([{ ...BASE, referral_date: '' }, { referral_ref: 'R2', family_ref: 'F1', referral_date: '2024-01-01', child_ref: '' }]);
    expect(p.problems.map((x) => [x.row, x.column])).toEqual([[2, 'referral_date']]);
    expect(p.referrals.find((r) => r.referral_ref === 'R2')!.children).toEqual([]);
    expect(check([{ ...BASE, child_ref: '', sex: 'M' }]).problems.map((x) => x.column)).toEqual(['child_ref']);
  });

  it('skips blank rows but keeps row numbers as the user sees them', () => {
    const t = table([BASE]);
    t.rows.unshift([], ['', ' ', '']);
    t.rows.push(['R2', 'F1', 'not a date', 'C2']);
    const p = validateInterchange(t, codes);
    expect(p.rowCount).toBe(2);
    expect(p.problems).toEqual([expect.objectContaining({ row: 5, column: 'referral_date' })]);
  });

  it('takes off the apostrophe our export puts before formula-like text', () => {
    expect(unescapeCell("'=HYPERLINK(x)")).toBe('=HYPERLINK(x)');
    expect(unescapeCell("'-2")).toBe('-2');
    expect(unescapeCell("O'Neill")).toBe("O'Neill");
    expect(unescapeCell("'quoted")).toBe("'quoted");
  });
});

describe('rows of one referral and one child', () => {
  it('reports a referral-level disagreement with both values', () => {
    const p = check([{ ...BASE, stage_offered: 'CP' }, { ...BASE, child_ref: 'C2', stage_offered: 'PLO' }]);
    expect(p.problems).toEqual([{ row: 3, column: 'stage_offered', value: 'PLO', message: expect.stringMatching(/"CP".*row 2.*"PLO"/) }]);
  });

  it('treats a code and its label as agreeing', () => {
    expect(check([{ ...BASE, stage_offered: 'CP' }, { ...BASE, child_ref: 'C2', stage_offered: 'child protection' }]).problems).toEqual([]);
  });

  it('keeps a child in one family: a child in two is refused', () => {
    const p = check([
      { ...BASE, date_of_birth: '2015-01-01' },
      { ...BASE, referral_ref: 'R3', family_ref: 'F2', date_of_birth: '2015-01-01' },
    ]);
    expect(p.problems.map((x) => [x.row, x.column])).toEqual([[3, 'family_ref']]);
  });

  it('takes a child\'s details from the latest referral (by date, then reference) when rows disagree, with a warning for each', () => {
    const rows = [
      { ...BASE, referral_ref: 'R2', referral_date: '2024-03-01', sex: 'F', ethnicity: 'WBRI' },
      { ...BASE, referral_ref: 'R9', referral_date: '2024-05-01', sex: 'M', ethnicity: 'WBRI' },
      { ...BASE, referral_ref: 'R1', referral_date: '2024-05-01', sex: 'F', ethnicity: 'BAFR' },
    ];
    const p = check(rows);
    expect(p.problems).toEqual([]);
    expect(p.children).toHaveLength(1);
    // R9 and R1 share the latest date; R9 is the higher reference, so its row wins
    expect(p.children[0]).toMatchObject({ row: 3, fields: { sex: 'M', ethnicity: 'WBRI' } });
    expect(p.warnings.map((w) => [w.row, w.column])).toEqual([[3, 'sex'], [4, 'sex'], [4, 'ethnicity']]);
    expect(p.warnings[0].message).toMatch(/Child C1 has "F" in sex on row 2 \(referral R2 of 1 March 2024\) but "M" on this row \(referral R9 of 1 May 2024\)\. The value on this row is kept/);
    // the same whatever the order of the rows
    for (const order of [[2, 1, 0], [1, 2, 0], [0, 2, 1]]) {
      expect(check(order.map((i) => rows[i])).children[0].fields).toEqual({ sex: 'M', ethnicity: 'WBRI' });
    }
  });

  it('reads a row with no referral as a child of the family on no referral, and a row with only a family reference as the family', () => {
    const p = check([{ family_ref: 'F1', child_ref: 'C9', sex: 'F' }, { family_ref: 'F3' }], ['referral_ref', 'family_ref', 'referral_date', 'child_ref', 'sex']);
    expect(p.problems).toEqual([]);
    expect(p.referrals).toEqual([]);
    expect(p.families.map((f) => f.family_ref)).toEqual(['F1', 'F3']);
    expect(p.children).toEqual([expect.objectContaining({ child_ref: 'C9', family_ref: 'F1', fields: { sex: 'F' } })]);
    // any referral column filled in makes it a referral row, which needs its reference and date
    const q = check([{ family_ref: 'F1', child_ref: 'C9', stage_offered: 'CP' }]);
    expect(q.problems.map((x) => x.column)).toEqual(['referral_ref', 'referral_date']);
  });

  it('reports a child twice on one referral', () => {
    expect(check([BASE, BASE]).problems).toEqual([expect.objectContaining({ row: 3, column: 'child_ref', message: expect.stringMatching(/more than once/) })]);
  });

  it('gathers families, children and referrals with siblings on different referrals', () => {
    const p = check([
      { ...BASE, legal_status: 'CP' },
      { ...BASE, child_ref: 'C2', legal_status: 'CIN' },
      { ...BASE, referral_ref: 'R2', referral_date: '2024-06-01', child_ref: 'C3', legal_status: 'PLO' },
      { ...BASE, referral_ref: 'R3', family_ref: 'F2', child_ref: 'C4', cms_id: '', legal_status: 'NKCSC' },
    ]);
    expect(p.problems).toEqual([]);
    expect(p.families.map((f) => f.family_ref)).toEqual(['F1', 'F2']);
    expect(p.children.map((c) => [c.child_ref, c.family_ref])).toEqual([['C1', 'F1'], ['C2', 'F1'], ['C3', 'F1'], ['C4', 'F2']]);
    expect(p.referrals.map((r) => [r.referral_ref, r.children.map((c) => `${c.child_ref}:${c.fields.legal_status}`)])).toEqual([
      ['R1', ['C1:CP', 'C2:CIN']], ['R2', ['C3:PLO']], ['R3', ['C4:NKCSC']],
    ]);
  });
});

describe('stage order', () => {
  it('does not refuse stages out of order: they can be stored (the data-quality findings list them, see findings.test.ts)', () => {
    expect(check([{ ...BASE, offer_date: '2024-01-05' }]).problems).toEqual([]);
    expect(check([{ ...BASE, review_fgc_dates: '2024-02-01' }]).problems).toEqual([]);
    expect(check([{ ...BASE, consent_decision: 'NORESP', closure_date: '2024-03-01' }]).problems).toEqual([]);
  });

  it('pairs each review date with whether the plan was working, in date order, and refuses answers that cannot be paired', () => {
    const p = check([{ ...BASE, review_fgc_dates: '2024-05-01;2024-04-01;2024-05-01', review_plan_working: 'Y;N;' }]);
    expect(p.problems).toEqual([]);
    expect(p.referrals[0].review_dates).toEqual(['2024-04-01', '2024-05-01', '2024-05-01']);
    expect(p.referrals[0].review_plan_working).toEqual([false, true, null]);
    const q = check([{ ...BASE, review_fgc_dates: '2024-05-01;2024-04-01', review_plan_working: 'Y' }]);
    expect(q.problems).toEqual([expect.objectContaining({ column: 'review_plan_working', message: expect.stringMatching(/1 answers but review_fgc_dates has 2 dates/) })]);
    expect(check([{ ...BASE, review_fgc_dates: '2024-05-01', review_plan_working: 'maybe' }]).problems[0].message).toMatch(/must be Y, N or blank/);
  });

  it('accepts a full episode in order', () => {
    const p = check([{
      ...BASE, offer_date: '2024-01-12', consent_decision: 'GIVEN', consent_date: '2024-01-15', initial_fgc_date: '2024-02-01', plan_agreed: 'Y',
      plan_date: '2024-02-01', plan_sent_date: '2024-02-03', review_fgc_dates: '2024-05-01;2024-04-01', closure_date: '2024-06-01',
    }]);
    expect(p.problems).toEqual([]);
    expect(p.referrals[0].review_dates).toEqual(['2024-04-01', '2024-05-01']);
  });
});

describe('columns', () => {
  it('are those of the spec, in its order', () => {
    expect(COLUMN_NAMES.slice(0, 3)).toEqual(['referral_ref', 'family_ref', 'referral_date']);
    // the spec's 44, and six more so that everything the app holds is exported and imported back
    expect(COLUMN_NAMES).toHaveLength(50);
    expect(COLUMN_NAMES.filter((c) => ['offered_by', 'offer_method', 'plan_uploaded_date', 'review_plan_working', 'family_feedback', 'professional_feedback'].includes(c))).toHaveLength(6);
    expect(COLUMN_NAMES.at(-1)).toBe('outcome_12m_living');
  });
});
