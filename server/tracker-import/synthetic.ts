import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { addDays } from '../common/dates.js';
import { mulberry32 } from '../demo/generate.js';
import type { TrackerMapping } from './mapping.js';

// A made-up council tracker of any size, laid out the way trackers are (title rows, a
// notes row, group headings merged over their columns, free-text dates in several styles,
// the service's own labels, blank rows, a totals row), with the mapping that imports it.
// For the benchmark (npm run bench: a 50,000-row tracker) and the tests. Deterministic.

export interface SyntheticTracker {
  buffer: Buffer;
  filename: string;
  mapping: TrackerMapping;
  /** data rows (one per child per referral) */
  rows: number;
  referrals: number;
}

// [heading, group or '', interchange column or null]
const LAYOUT: [string, string, string | null][] = [
  ['FGC ID', '', 'referral_ref'],
  ['Family ID', '', 'family_ref'],
  ['Date referral received', '', 'referral_date'],
  ['Referred by', '', 'referral_source'],
  ['Stage', '', 'stage_offered'],
  ['Co-ordinator', '', 'coordinator'],
  ['Date offered', '', 'offer_date'],
  ['Consent?', '', 'consent_decision'],
  ['Date of decision', '', 'consent_date'],
  ['Reason declined', '', 'decline_reason'],
  ['Date of FGC', '', 'initial_fgc_date'],
  ['Reason not held', '', 'fgc_not_held_reason'],
  ['Parents', 'Attendance', 'attend_parents'],
  ['Maternal', 'Attendance', 'attend_maternal'],
  ['Paternal', 'Attendance', 'attend_paternal'],
  ['Friends', 'Attendance', 'attend_friends'],
  ['Professionals', 'Attendance', 'attend_professionals'],
  ['Plan agreed', '', 'plan_agreed'],
  ['Date plan agreed', '', 'plan_date'],
  ['Date closed', '', 'closure_date'],
  ['Child ID', '', 'child_ref'],
  ['CMS number', '', 'cms_id'],
  ['First name', '', 'first_name'],
  ['Surname', '', 'last_name'],
  ['DOB', '', 'date_of_birth'],
  ['Due date', '', 'expected_date_of_birth'],
  ['Gender', '', 'sex'],
  ['Ethnicity', '', 'ethnicity'],
  ['Legal status', '', 'legal_status'],
  ['Status', 'At 6 months', 'outcome_6m_legal_status'],
  ['Living', 'At 6 months', 'outcome_6m_living'],
  ['Status', 'At 12 months', 'outcome_12m_legal_status'],
  ['Living', 'At 12 months', 'outcome_12m_living'],
  ['Notes', '', null],
];

const SOURCES: [string, string][] = [['Social Worker', 'SW'], ['Early Help', 'EHP'], ['Legal gateway', 'LEGAL'], ['Health', 'HEALTH'], ['School', 'EDU'], ['Self', 'SELF']];
const STAGES: [string, string][] = [['Child Protection', 'CP'], ['CIN', 'CIN'], ['Pre-proceedings', 'PLO'], ['Early help', 'EH'], ['LAC', 'LAC']];
const LEGAL: [string, string][] = [['CP plan', 'CP'], ['CIN plan', 'CIN'], ['PLO', 'PLO'], ['Not open to CSC', 'NKCSC'], ['Early Help', 'EH'], ['Looked after', 'CO']];
const REASONS: [string, string][] = [["Mum declined - didn't trust us", 'DISTRUST'], ['Said it would not help', 'NOHELP'], ['No family to invite', 'NONETWORK'], ['Family conflict', 'PRIVACY']];
const ETHNICITY = ['White British', 'WBRI', 'Pakistani', 'White and Black Caribbean', 'African', 'Any other White background', 'Indian', 'Refused'];
const LIVING: [string, string][] = [['Home', 'PARENTS'], ['With grandparents', 'KININF'], ['Foster care', 'FOSTER'], ['SGO', 'SGO']];
const OUTCOME: [string, string][] = [['Closed', 'CLOSED'], ['CIN plan', 'CIN'], ['CP plan', 'CP'], ['Looked after', 'CO']];
const FIRST = ['Alex', 'Bea', 'Cal', 'Dara', 'Eli', 'Fran', 'Gus', 'Hana', 'Ivy', 'Jay', 'Kit', 'Lou'];
const LAST = ['Smith', 'Khan', "O'Neill", 'Jones', 'Patel', 'Nowak', 'Brown', 'Ahmed'];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FULL = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ordinal = (d: number) => `${d}${d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th'}`;

/** One date written one of the ways trackers hold them (an xlsx Date cell or serial number as well). */
function messyDate(iso: string, style: number, xlsx: boolean): string | number | Date {
  const [y, m, d] = iso.split('-').map(Number);
  switch (style % 7) {
    case 0: return xlsx ? new Date(Date.UTC(y, m - 1, d)) : iso;
    case 1: return `${ordinal(d)} ${FULL[m - 1]} ${y}`;
    case 2: return `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${String(y % 100).padStart(2, '0')}`;
    case 3: return iso;
    case 4: return `${d} ${MONTHS[m - 1]} ${y}`;
    case 5: return xlsx ? Math.round((Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000) : `${d}/${m}/${y}`;
    default: return `${d}-${MONTHS[m - 1]}-${String(y % 100).padStart(2, '0')}`;
  }
}

export const SYNTHETIC_MAPPING: TrackerMapping = {
  columns: Object.fromEntries(
    LAYOUT.map(([h, g, c]) => [g ? `${g} ${h}` : h, c]),
  ),
  values: {
    referral_source: Object.fromEntries(SOURCES.filter(([l]) => !['Health'].includes(l)).map(([l, c]) => [l.toLowerCase(), c])),
    stage_offered: Object.fromEntries(STAGES.filter(([l]) => !['Early help', 'CIN'].includes(l)).map(([l, c]) => [l.toLowerCase(), c])),
    legal_status: Object.fromEntries(LEGAL.filter(([l]) => !['PLO'].includes(l)).map(([l, c]) => [l.toLowerCase(), c])),
    decline_reason: Object.fromEntries(REASONS.map(([l, c]) => [l.toLowerCase(), c])),
    consent_decision: { yes: 'GIVEN', no: 'DECLINED', 'no reply': 'NORESP' },
    sex: { unborn: 'U' },
    outcome_6m_legal_status: Object.fromEntries(OUTCOME.filter(([l]) => l !== 'Closed').map(([l, c]) => [l.toLowerCase(), c])),
    outcome_12m_legal_status: Object.fromEntries(OUTCOME.filter(([l]) => l !== 'Closed').map(([l, c]) => [l.toLowerCase(), c])),
    outcome_6m_living: Object.fromEntries(LIVING.map(([l, c]) => [l.toLowerCase(), c])),
    outcome_12m_living: Object.fromEntries(LIVING.map(([l, c]) => [l.toLowerCase(), c])),
  },
};

type Cell = string | number | Date | null;

/** The tracker's data rows, one per child per referral, with blank rows now and then. */
function* dataRows(target: number, seed: number, xlsx: boolean): Generator<Cell[] | null> {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  let rows = 0;
  let family = 0;
  let child = 0;
  let referral = 0;
  let style = 0;
  const date = (iso: string | null) => (iso ? messyDate(iso, style++, xlsx) : null);
  while (rows < target) {
    family += 1;
    const kids = Array.from({ length: Math.min(1 + Math.floor(rnd() * 3), target - rows) }, () => {
      child += 1;
      const unborn = rnd() < 0.04;
      const dob = unborn ? null : addDays('2006-01-01', Math.floor(rnd() * 6000));
      return {
        ref: `C${String(child).padStart(6, '0')}`,
        cms: rnd() < 0.15 ? null : `${400000 + child}`,
        first: unborn ? null : pick(FIRST),
        last: pick(LAST),
        dob,
        edd: unborn ? addDays('2024-06-01', Math.floor(rnd() * 200)) : null,
        sex: unborn ? 'Unborn' : pick(['Male', 'Female', 'M', 'F']),
        ethnicity: pick(ETHNICITY),
      };
    });
    const referralsHere = rnd() < 0.15 ? 2 : 1;
    for (let k = 0; k < referralsHere && rows < target; k++) {
      referral += 1;
      const start = addDays('2021-04-01', Math.floor(rnd() * 1000) + k * 400);
      const decision = rnd();
      const consent = decision < 0.7 ? 'Yes' : decision < 0.9 ? 'No' : 'No reply';
      const given = consent === 'Yes';
      const held = given && rnd() < 0.85;
      const fgc = held ? addDays(start, 30 + Math.floor(rnd() * 30)) : null;
      const reason = given ? null : pick(REASONS)[0];
      const ref: Cell[] = [
        `FGC-${String(referral).padStart(6, '0')}`,
        `F${String(family).padStart(6, '0')}`,
        date(start),
        pick(SOURCES)[0],
        pick(STAGES)[0],
        pick(['Jo Bloggs', 'Sam Patel', 'Chris Green']),
        date(addDays(start, 3)),
        consent,
        date(addDays(start, 8)),
        reason,
        date(fgc),
        held ? null : given ? 'Family network unable or unwilling to attend' : 'Consent not given',
        held ? 2 : null,
        held ? Math.floor(rnd() * 4) : null,
        held ? Math.floor(rnd() * 3) : null,
        held ? Math.floor(rnd() * 2) : null,
        held ? 2 + Math.floor(rnd() * 3) : null,
        held ? 'Yes' : null,
        date(fgc),
        date(addDays(start, held ? 150 : 20)),
      ];
      for (const c of kids) {
        if (rows >= target) break;
        rows += 1;
        const status = held ? pick(OUTCOME)[0] : null;
        yield [
          ...ref,
          c.ref, c.cms, c.first, c.last, date(c.dob), date(c.edd), c.sex, c.ethnicity,
          c.cms ? pick(LEGAL)[0] : "Not known to children's social care",
          status, held ? pick(LIVING)[0] : null, held ? pick(OUTCOME)[0] : null, held ? pick(LIVING)[0] : null,
          rnd() < 0.1 ? 'Chased by email' : null,
        ];
      }
      if (rnd() < 0.02) yield null; // a blank row
    }
  }
  return { rows, referral };
}

/** A tracker of about `rows` data rows, as .xlsx (default) or CSV. */
export async function syntheticTracker(opts: { rows: number; format?: 'xlsx' | 'csv'; seed?: number }): Promise<SyntheticTracker> {
  const xlsx = (opts.format ?? 'xlsx') === 'xlsx';
  const seed = opts.seed ?? 1;
  const groups = LAYOUT.map(([, g]) => g);
  const headings = LAYOUT.map(([h]) => h);
  let count = 0;
  let referrals = new Set<string>();
  const counted = function* () {
    for (const r of dataRows(opts.rows, seed, xlsx)) {
      if (r) {
        count += 1;
        referrals.add(String(r[0]));
      }
      yield r;
    }
  };
  if (!xlsx) {
    // A CSV has no merged cells: its headings carry the group names themselves.
    const lines: Cell[][] = [['FGC tracker (all years)'], [], LAYOUT.map(([h, g]) => (g ? `${g} ${h}` : h))];
    for (const r of counted()) lines.push(r ?? []);
    lines.push([], ['Total', '', '', '', '', '', '', '', '', '', '', '', count]);
    const buffer = Buffer.from(stringify(lines.map((l) => l.map((c) => (c === null ? '' : String(c))))), 'utf8');
    const result = { buffer, filename: `synthetic-tracker-${opts.rows}.csv`, mapping: SYNTHETIC_MAPPING, rows: count, referrals: referrals.size };
    referrals = new Set();
    return result;
  }
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => out.on('end', resolve));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('Tracker');
  // Rows are merged before they are committed (a streamed row cannot be changed after).
  const title = ws.addRow(['Family Group Conference tracker']);
  ws.mergeCells(1, 1, 1, 8);
  title.commit();
  ws.addRow(['Data as at 31 March 2024. Do not sort.']).commit();
  ws.addRow([]).commit();
  const groupRow = ws.addRow(groups.map((g, i) => (g && groups[i - 1] !== g ? g : null)));
  for (let i = 0; i < groups.length; i++) {
    if (!groups[i] || groups[i - 1] === groups[i]) continue;
    let j = i;
    while (groups[j + 1] === groups[i]) j++;
    ws.mergeCells(4, i + 1, 4, j + 1);
  }
  groupRow.commit();
  ws.addRow(headings).commit();
  for (const r of counted()) {
    const row = ws.addRow(r ?? []);
    if (r) r.forEach((v, i) => v instanceof Date && (row.getCell(i + 1).numFmt = 'dd/mm/yyyy'));
    row.commit();
  }
  ws.addRow([]).commit();
  ws.addRow(['Total', null, null, null, null, null, null, null, null, null, null, null, count]).commit();
  ws.commit();
  await wb.commit();
  await done;
  return { buffer: Buffer.concat(chunks), filename: `synthetic-tracker-${opts.rows}.xlsx`, mapping: SYNTHETIC_MAPPING, rows: count, referrals: referrals.size };
}
