import { Router, type Request, type Response } from 'express';
import type { Services } from '../services.js';
import { requirePermission } from '../auth/authorisation.js';
import { notFound } from '../middleware/errors.js';
import { financialYear } from '../common/dates.js';
import { hasErrors, str, type FormErrors } from '../common/forms.js';
import { toCsv, toXlsx } from '../common/tabular-export.js';
import { auditChanges, auditEvent } from '../audit/audit.js';
import { loadSettings, saveSettings, SETTINGS } from '../admin/settings.js';
import { buildReturn, returnWorkbook, returnWorkbookPlan } from './return-service.js';
import { availableYears, currentFinancialYear } from '../cases/years.js';
import { ReturnExportError } from './workbook.js';
import type { Population } from './counting.js';
import { childExtract, EXTRACT_COLUMNS } from './child-extract.js';
import { SHEET_SECTIONS, SUMMARY_LINES } from './sections.js';
import { withNames } from '../cases/case-list.js';
import { childName } from '../cases/names.js';

/** Settings the data lead keeps for the return (the rest are the administrator's). */
const RETURN_ANSWERS = SETTINGS.filter((s) =>
  ['council_name', 'la_code', 'contact_name', 'contact_email', 'delivery_model', 'stages_offered', 'referral_process', 'how_offered', 'frg_accredited'].includes(s.key));

function yearParam(req: Request): number {
  const y = String(req.params.year ?? '');
  if (!/^\d{4}$/.test(y) || +y < 2000 || +y > currentFinancialYear() + 1) throw notFound();
  return +y;
}

export function returnRoutes({ db }: Services): Router {
  const router = Router();
  const returns = requirePermission('returns');

  router.get('/returns', returns, async (req, res) => {
    const y = str(req.query.year);
    if (/^\d{4}$/.test(y)) return res.redirect(`/returns/${y}`);
    res.redirect(`/returns/${currentFinancialYear() - 1}`);
  });

  router.get('/returns/answers', returns, async (_req, res) => {
    res.render('returns/answers', { title: 'Answers for the annual return', settings: RETURN_ANSWERS, values: await loadSettings(db), errors: {}, backLink: '/returns' });
  });

  router.post('/returns/answers', returns, async (req, res) => {
    const values: Record<string, string> = {};
    const errors: FormErrors = {};
    for (const s of RETURN_ANSWERS) {
      values[s.key] = str(req.body[s.key]);
      if (values[s.key].length > 4000) errors[s.key] = `${s.label} must be 4000 characters or fewer`;
    }
    if (values.la_code && !/^\d{3}$/.test(values.la_code)) errors.la_code = 'DfE local authority code must be 3 digits, like 201';
    if (hasErrors(errors)) return res.status(400).render('returns/answers', { title: 'Answers for the annual return', settings: RETURN_ANSWERS, values, errors, backLink: '/returns' });
    const before = await loadSettings(db);
    await db.transaction(async (trx) => {
      await saveSettings(trx, values);
      await auditChanges(trx, { userId: req.user!.id }, 'settings', 0, 'update', before, values);
    });
    res.redirect('/returns?saved=1');
  });

  router.get('/returns/:year', returns, async (req, res) => {
    const year = yearParam(req);
    const built = await buildReturn(db, year);
    // what the workbook download would warn about or refuse (a mapping that cannot be read shows when downloading)
    const plan = await returnWorkbookPlan(built).catch(() => null);
    // written answers the About sheet would carry blank
    const blankAnswers = RETURN_ANSWERS.filter((a) => !String(built.ctx.settings[a.key] ?? '').trim()).map((a) => a.label);
    res.render('returns/year', {
      workbookWarnings: plan?.warnings ?? [], workbookProblems: plan?.problems ?? [], blankAnswers,
      title: `Annual return ${built.ret.period.label}`, year, ret: built.ret, ctx: built.ctx, sections: SHEET_SECTIONS, summaryLines: SUMMARY_LINES,
      years: await availableYears(db), settings: built.ctx.settings,
    });
  });

  router.get('/returns/:year/figures', returns, async (req, res) => {
    const year = yearParam(req);
    const { ret } = await buildReturn(db, year);
    const breakdown = str(req.query.breakdown);
    const population = str(req.query.population);
    let title: string;
    let unit: 'fgcs' | 'children';
    let ids: number[];
    let reviews = false;
    // Keys from the query string: own properties only, so __proto__ or toString is not found (404), never a crash.
    if (breakdown) {
      const bd = Object.hasOwn(ret.breakdowns, breakdown) ? ret.breakdowns[breakdown] : undefined;
      const row = bd?.rows.find((r) => r.code === str(req.query.code));
      if (!bd || !row) throw notFound();
      title = `${bd.title}: ${row.label}`;
      unit = bd.unit;
      ids = row.ids;
    } else {
      const p = Object.hasOwn(ret.populations, population) ? (ret.populations as Record<string, Population>)[population] : undefined;
      unit = str(req.query.unit) === 'children' ? 'children' : 'fgcs';
      if (!p || (unit === 'children' && !p.childIds)) throw notFound();
      // The heading is the figure's own line on the Summary ('Children subject to a referral'), said once;
      // review meetings are drilled into as the FGCs whose reviews were held in the year.
      const line = SUMMARY_LINES.find((l) => l.population === population && (l.unit === unit || (l.unit === 'meetings' && unit === 'fgcs')));
      reviews = p.meetings !== undefined;
      title = line?.heading ?? line?.label ?? p.title;
      ids = unit === 'children' ? p.childIds! : p.fgcIds;
    }
    const page = ids.slice(0, 1000);
    // The data lead may see who is counted: children's names and references (never in the workbook).
    const rows = unit === 'fgcs'
      ? await withNames(db, (await db('referrals as r').join('families as f', 'f.id', 'r.family_id').whereIn('r.id', page)
        .select('r.id', 'r.referral_ref', 'r.referral_date', 'f.id as family_id', 'f.family_ref')
        .orderBy([{ column: 'r.referral_date' }, { column: 'r.referral_ref' }])).map((r) => ({ ...r, id: Number(r.id), family_id: Number(r.family_id) })))
      : (await db('children as c').join('families as f', 'f.id', 'c.family_id').whereIn('c.id', page)
        .select('c.id', 'c.child_ref', 'c.cms_id', 'c.first_name', 'c.last_name', 'c.date_of_birth', 'c.expected_date_of_birth', 'f.id as family_id', 'f.family_ref')
        .orderBy('c.child_ref')).map((c) => ({ ...c, name: childName(c) }));
    // for review meetings, each FGC's meetings in the year (one per distinct date, as counted)
    const reviewDates = new Map<number, string[]>();
    if (reviews && unit === 'fgcs') {
      const dates = await db('review_conferences').whereIn('referral_id', page).whereBetween('review_date', [ret.period.from, ret.period.to])
        .distinct('referral_id', 'review_date').orderBy([{ column: 'referral_id' }, { column: 'review_date' }]);
      for (const d of dates) reviewDates.set(Number(d.referral_id), [...(reviewDates.get(Number(d.referral_id)) ?? []), String(d.review_date)]);
    }
    res.render('returns/figures', {
      title, year, period: ret.period, unit, rows: rows.map((r: { id: number }) => ({ ...r, reviewDates: reviewDates.get(r.id) })), count: ids.length, reviews,
      meetings: reviews ? (ret.populations as Record<string, Population>)[population].meetings : undefined, backLink: `/returns/${year}`,
    });
  });

  router.get('/returns/:year/workbook.xlsx', returns, async (req, res) => {
    const year = yearParam(req);
    const built = await buildReturn(db, year);
    try {
      const buffer = await returnWorkbook(built);
      await auditEvent(db, req.user!.id, 'export', 'annual-return', `year ${built.ret.period.label}`);
      res.attachment(`fgc-survey-return-${built.ret.period.label}.xlsx`).type('xlsx').send(buffer);
    } catch (e) {
      if (!(e instanceof ReturnExportError)) throw e;
      res.status(422).render('returns/refused', { title: 'The workbook was not produced', problems: e.problems, backLink: `/returns/${year}` });
    }
  });

  const extract = async (req: Request, res: Response, format: 'csv' | 'xlsx') => {
    const year = yearParam(req);
    const period = financialYear(year);
    const rows = await childExtract(db, period);
    await auditEvent(db, req.user!.id, 'export', 'child-extract', `year ${period.label}, ${rows.length} rows, ${format}`);
    const name = `fgc-child-extract-${period.label}.${format}`;
    if (format === 'csv') return res.attachment(name).type('csv').send(toCsv(EXTRACT_COLUMNS, rows));
    res.attachment(name).type('xlsx').send(await toXlsx('Child extract', EXTRACT_COLUMNS, rows));
  };
  router.get('/returns/:year/child-extract.csv', returns, (req, res) => extract(req, res, 'csv'));
  router.get('/returns/:year/child-extract.xlsx', returns, (req, res) => extract(req, res, 'xlsx'));

  return router;
}
