// Builds our rendition of the survey template (templates/fgc-survey-return.xlsx) and its
// mapping (templates/fgc-survey-return.map.json) from one layout description, so the two
// cannot drift apart. Run: npx tsx scripts/make-template.ts. The outputs are committed;
// councils with the official template write a mapping for it instead.
import path from 'node:path';
import fs from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { fileURLToPath } from 'node:url';
import type { Mapping } from '../server/annual-return/workbook.js';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../templates');

type Line =
  | { label: string; figure: string; format?: string }
  | { heading: string }
  | { table: string; title: string; rows: number }
  | { text: string };

const CHILD_TABLES = (pop: string, who: string): Line[] => [
  { table: `breakdown:${pop}.children.ageBand`, title: `${who}, by age band`, rows: 10 },
  { table: `breakdown:${pop}.children.sex`, title: `${who}, by sex`, rows: 8 },
  { table: `breakdown:${pop}.children.ethnicityGroup`, title: `${who}, by ethnicity (major group)`, rows: 12 },
  { table: `breakdown:${pop}.children.ethnicity`, title: `${who}, by ethnicity (DfE code)`, rows: 35 },
  { table: `breakdown:${pop}.children.disability`, title: `${who}, by disability`, rows: 6 },
  { table: `breakdown:${pop}.children.legalStatus`, title: `${who}, by legal status at referral`, rows: 20 },
];

const SHEETS: Record<string, Line[]> = {
  About: [
    { heading: 'About this return' },
    { label: 'Council', figure: 'setting:council_name' },
    { label: 'DfE local authority code', figure: 'setting:la_code' },
    { label: 'Reporting year', figure: 'meta:yearLabel' },
    { label: 'Period from', figure: 'meta:from' },
    { label: 'Period to', figure: 'meta:to' },
    { label: 'Contact name', figure: 'setting:contact_name' },
    { label: 'Contact email', figure: 'setting:contact_email' },
    { label: 'Date produced', figure: 'meta:produced' },
    { label: 'Product version', figure: 'meta:version' },
    { heading: 'The service' },
    { label: 'How FGCs are delivered (in-house / commissioned / mixed; provider)', figure: 'setting:delivery_model' },
    { label: 'At which stages FGCs are offered', figure: 'setting:stages_offered' },
    { label: 'How referrals are made (the referral process)', figure: 'setting:referral_process' },
    { label: 'How FGCs are offered to parents/carers, and by whom', figure: 'setting:how_offered' },
    { label: 'Accredited by Family Rights Group', figure: 'setting:frg_accredited' },
  ],
  Summary: [
    { heading: 'Summary for the reporting year' },
    { label: 'Referrals received (FGCs)', figure: 'population:referred:fgcs' },
    { label: 'Children subject to a referral', figure: 'population:referred:children' },
    { label: 'FGCs offered', figure: 'population:offered:fgcs' },
    { label: 'FGCs consented to', figure: 'population:consented:fgcs' },
    { label: 'Children in consented FGCs', figure: 'population:consented:children' },
    { label: 'FGCs declined (declined or no response)', figure: 'population:declined:fgcs' },
    { label: 'Initial FGCs that took place', figure: 'population:tookPlace:fgcs' },
    { label: 'Children involved in initial FGCs', figure: 'population:tookPlace:children' },
    { label: 'Review FGCs held', figure: 'population:reviews:meetings' },
    { label: 'FGCs that did not take place', figure: 'population:didNotTakePlace:fgcs' },
    { label: 'Median days, referral to consent', figure: 'median:referralToConsent', format: '0.0' },
    { label: 'Median days, referral to initial FGC', figure: 'median:referralToInitialFgc', format: '0.0' },
    { label: 'Plans agreed at initial FGCs', figure: 'population:plansAgreed:fgcs' },
  ],
  Referrals: [
    { heading: 'Children subject to an FGC referral in the year' },
    ...CHILD_TABLES('referred', 'Children referred'),
    { heading: 'FGCs (referrals) received in the year' },
    { table: 'breakdown:referred.fgcs.stageOffered', title: 'Referrals, by stage offered', rows: 14 },
    { table: 'breakdown:referred.fgcs.referralSource', title: 'Referrals, by referral source', rows: 16 },
  ],
  Consent: [
    { heading: 'How FGCs were taken up' },
    { table: 'breakdown:consented.fgcs.stageOffered', title: 'FGCs consented to, by stage offered', rows: 14 },
    { table: 'breakdown:declinedOnly.fgcs.stageOffered', title: 'FGCs declined, by stage offered', rows: 14 },
    { table: 'breakdown:noResponse.fgcs.stageOffered', title: 'FGCs with no response, by stage offered', rows: 14 },
    { heading: 'Children in consented FGCs' },
    ...CHILD_TABLES('consented', 'Children in consented FGCs'),
    { heading: 'Why consent was not given' },
    { table: 'breakdown:declined.fgcs.declineReason', title: 'FGCs declined or with no response, by reason', rows: 16 },
  ],
  Meetings: [
    { heading: 'Initial FGCs that took place' },
    { table: 'breakdown:tookPlace.fgcs.stageOffered', title: 'Initial FGCs held, by stage offered', rows: 14 },
    ...CHILD_TABLES('tookPlace', 'Children involved in initial FGCs'),
    { heading: 'FGCs that did not take place' },
    { table: 'breakdown:didNotTakePlace.fgcs.notHeldReason', title: 'FGCs that did not take place, by reason', rows: 16 },
    { heading: 'Attendance at initial FGCs' },
    { label: 'Initial FGCs held', figure: 'attendance:meetings' },
    { label: 'Child attended or gave views', figure: 'attendance:childParticipated.count' },
    { label: 'Advocate used', figure: 'attendance:advocateUsed.count' },
    { label: 'Interpreter used', figure: 'attendance:interpreterUsed.count' },
    { label: 'Private family time held', figure: 'attendance:privateFamilyTime.count' },
    { label: 'Mean family members attending', figure: 'attendance:meanFamilyMembers', format: '0.0' },
  ],
  Definitions: [
    { heading: 'What each figure means' },
    { text: 'Reporting year: the English financial year, 1 April to 31 March inclusive.' },
    { text: 'An FGC is one referral (one family episode). A family referred twice in a year is two FGCs.' },
    { text: 'A child is a person, counted once within each population even if on two referrals in the year; merged duplicate records count once.' },
    { text: "A child's characteristics (age, legal status) come from the earliest referral that puts the child in that population for the year." },
    { text: 'Referred: referrals received in the year. Offered: offer date in the year. Consented: consent given with a decision date in the year (later withdrawal does not remove it).' },
    { text: 'Declined: consent declined or no response, with a decision date in the year, counted by reason.' },
    { text: 'Took place: initial conference held in the year. Review FGCs are counted separately.' },
    { text: 'Did not take place: closed in the year with no initial conference ever held, by reason; declines count under "Consent not given".' },
    { text: 'Medians are over the FGCs consented (referral to consent) or held (referral to initial FGC) in the year; an even count takes the mean of the two middle values.' },
    { text: "Children not known to children's social care (no CMS record) are counted like any other child. Unborn children are in age band Unborn." },
    { text: 'Nothing is dropped: a missing value is counted under "Not recorded", so every breakdown sums to its total.' },
  ],
  'Data quality': [
    { heading: 'Data-quality issues affecting the year' },
    { table: 'quality', title: 'Issues, by rule', rows: 40 },
  ],
};

async function main() {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'FGC data';
  const mapping: Mapping = { template: 'fgc-survey-return.xlsx', cells: [], tables: [] };
  const headerFill: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1D70B8' } };
  for (const [name, lines] of Object.entries(SHEETS)) {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 2 }] });
    ws.columns = [{ width: 3 }, { width: 70 }, { width: 16 }];
    const title = ws.getCell('B1');
    title.value = `FGC survey return: ${name}`;
    title.font = { bold: true, size: 14, color: { argb: 'FFFFFFFF' } };
    ws.getRow(1).fill = headerFill;
    ws.getCell('B2').value = name === 'Definitions' || name === 'About' ? '' : 'Measure';
    ws.getCell('C2').value = name === 'Definitions' || name === 'About' ? '' : 'Value';
    ws.getRow(2).font = { bold: true };
    let row = 4;
    for (const line of lines) {
      if ('heading' in line) {
        if (row > 4) row++;
        ws.getCell(row, 2).value = line.heading;
        ws.getCell(row, 2).font = { bold: true, size: 12 };
        row++;
      } else if ('text' in line) {
        ws.getCell(row, 2).value = line.text;
        ws.getCell(row, 2).alignment = { wrapText: true };
        row++;
      } else if ('figure' in line) {
        ws.getCell(row, 2).value = line.label;
        const cell = ws.getCell(row, 3);
        cell.numFmt = line.format ?? (line.figure.startsWith('setting:') || line.figure.startsWith('meta:') ? '@' : '#,##0');
        if (line.figure.startsWith('setting:')) cell.alignment = { wrapText: true, vertical: 'top' };
        mapping.cells.push({ sheet: name, cell: `C${row}`, figure: line.figure });
        row++;
      } else {
        row++;
        ws.getCell(row, 2).value = line.title;
        ws.getCell(row, 2).font = { bold: true };
        ws.getCell(row, 3).value = 'Count';
        ws.getCell(row, 3).font = { bold: true };
        row++;
        mapping.tables.push({ sheet: name, anchor: `B${row}`, source: line.table, maxRows: line.rows, total: true, countOffset: 1 });
        for (let i = 0; i <= line.rows; i++) ws.getCell(row + i, 3).numFmt = '#,##0';
        row += line.rows + 1;
      }
    }
    if (name === 'About') ws.getColumn(3).width = 60;
  }
  await fs.mkdir(out, { recursive: true });
  await wb.xlsx.writeFile(path.join(out, 'fgc-survey-return.xlsx'));
  await fs.writeFile(path.join(out, 'fgc-survey-return.map.json'), JSON.stringify(mapping, null, 2) + '\n');
  console.log(`Wrote ${mapping.cells.length} cells and ${mapping.tables.length} tables to templates/`);
}

main();
