import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import type { Knex } from 'knex';
import { computeReturn, type AnnualReturn } from './counting.js';
import { loadReturnInput } from './return-data.js';
import { loadSettings } from '../admin/settings.js';
import { fillWorkbook, loadMapping, planWorkbook, type WorkbookPlan } from './workbook.js';
import type { FigureContext } from './figures.js';
import { financialYear, todayIso } from '../common/dates.js';
import { qualityTableRows, runQuality } from '../quality/report.js';
import { qualityDatasetOf } from '../quality/report-data.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_MAPPING = path.join(root, 'templates/fgc-survey-return.map.json');
const VERSION = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version as string;

export interface BuiltReturn {
  ret: AnnualReturn;
  ctx: FigureContext;
}

/** Counts the year's return and gathers everything the workbook shows. */
export async function buildReturn(db: Knex, year: number): Promise<BuiltReturn> {
  const loading = loadReturnInput(db, year);
  // The Data quality sheet is the quality report for the same referrals (any step in the year), from the same rows;
  // its other queries run while they load.
  const [input, settings, quality] = await Promise.all([
    loading,
    loadSettings(db),
    runQuality(db, { period: financialYear(year), data: loading.then(qualityDatasetOf) }),
  ]);
  const ret = computeReturn(input);
  const ctx: FigureContext = {
    ret,
    settings,
    meta: { yearLabel: ret.period.label, from: ret.period.from, to: ret.period.to, produced: todayIso(), version: VERSION },
    quality: qualityTableRows(quality),
  };
  return { ret, ctx };
}

/** The filled survey workbook, from the default template or another mapping file. */
export async function returnWorkbook(built: BuiltReturn, mappingFile = DEFAULT_MAPPING): Promise<Buffer> {
  const { mapping, templatePath } = await loadMapping(mappingFile);
  return fillWorkbook(templatePath, mapping, built.ctx);
}

/** Where the workbook would put every figure, with its warnings and what would stop it (the return page shows them). */
export async function returnWorkbookPlan(built: BuiltReturn, mappingFile = DEFAULT_MAPPING): Promise<WorkbookPlan> {
  const { mapping } = await loadMapping(mappingFile);
  return planWorkbook(mapping, built.ctx);
}

