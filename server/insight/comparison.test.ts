import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { parseComparisonCsv, SAMPLE_CSV, nameProblem } from './comparison.js';
import { seedCodes } from '../annual-return/test-fixtures.js';

const codes = seedCodes();
const parse = (s: string) => parseComparisonCsv(s, codes);

describe('the comparison population file', () => {
  it('reads the sample file (the same as the fixture and the download)', () => {
    const fixture = fs.readFileSync(new URL('../../test/fixtures/comparison-population-sample.csv', import.meta.url), 'utf8');
    expect(fixture).toBe(SAMPLE_CSV);
    const r = parse(SAMPLE_CSV);
    expect(r.problems).toEqual([]);
    expect(r.rows).toHaveLength(14);
    expect(r.rows[0]).toEqual({ characteristic: 'ethnicity_group', category_code: 'White', count: 41200 });
  });

  it('accepts labels, any case, a byte order mark, quoted thousands and blank lines', () => {
    const r = parse('\uFEFFCharacteristic,Category_Code,Count\r\nSEX,female,"1,200"\r\n\r\nlegal_status,Child protection plan,30\nethnicity,wbri,7\n');
    expect(r.problems).toEqual([]);
    expect(r.rows).toEqual([
      { characteristic: 'sex', category_code: 'F', count: 1200 },
      { characteristic: 'legal_status', category_code: 'CP', count: 30 },
      { characteristic: 'ethnicity', category_code: 'WBRI', count: 7 },
    ]);
  });

  it('lists every problem with its row number and keeps nothing', () => {
    const r = parse('characteristic,category_code,count\nsex,F,10\n,,\nsex,,3\nage_band,NR,4\nage_band,2-3,4\ndisability,DISABLED,\nsex,M,1.5\nsex,f,2\n');
    expect(r.rows).toEqual([]);
    expect(r.problems.map((p) => p.message)).toEqual([
      'Row 4: enter the category_code for sex',
      'Row 5: leave out people whose characteristic is not recorded: the comparison is between recorded categories',
      'Row 6: category_code "2-3" is not a age_band category. Use one of: UNBORN, U1, 1-4, 5-9, 10-15, 16-17, 18+',
      'Row 7: enter the count',
      'Row 8: count "1.5" must be a whole number, 0 or more, like 12000',
      'Row 9: sex F is already on row 2: give each category once',
    ]);
  });

  it('refuses empty files, a wrong header, broken quotes and counts that add up to nothing', () => {
    expect(parse('').problems).toEqual([{ row: null, message: 'The file is empty' }]);
    expect(parse('characteristic,category_code,count\n').problems[0].message).toBe('The file has no rows of figures under the column names');
    expect(parse('characteristic;category_code;count\nsex;F;1\n').problems[0].message).toBe('Row 1: the first row must be the column names characteristic,category_code,count');
    expect(parse('characteristic,category_code,count\nsex,"F,1\n').problems[0].message).toMatch(/could not be read as CSV/);
    expect(parse('characteristic,category_code,count\nsex,F,0\nsex,M,0\n').problems[0].message).toBe('The counts for sex add up to 0: give the number of people in each category');
    const many = ['characteristic,category_code,count', ...Array.from({ length: 1001 }, () => 'sex,F,1')].join('\n');
    expect(parse(many).problems[0].message).toBe('The file has 1001 rows of figures: it can have at most 1000');
  });

  it('needs a name of 100 characters or fewer', () => {
    expect(nameProblem('')).toBe('Enter a name for the comparison population');
    expect(nameProblem('x'.repeat(101))).toBe('The name must be 100 characters or fewer');
    expect(nameProblem('Census 2021')).toBeNull();
  });
});
