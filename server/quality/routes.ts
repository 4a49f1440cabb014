import { Router, type Request } from 'express';
import type { Services } from '../services.js';
import { requirePermission, requireSignIn } from '../auth/authorisation.js';
import { can } from '../auth/roles.js';
import { notFound } from '../middleware/errors.js';
import { financialYear } from '../common/dates.js';
import { str } from '../common/forms.js';
import { toXlsx, type Column } from '../common/tabular-export.js';
import { auditEvent } from '../audit/audit.js';
import { availableYears, currentFinancialYear } from '../cases/years.js';
import { CHILD_FIELDS, STAGES, REVIEW_FIELDS } from '../cases/stages.js';
import { runQuality, type Issue } from './report.js';
import { RULES, ruleByCode } from './registry.js';
import { fixLink } from './fix-links.js';

const PAGE_SIZE = 100;

const FIELD_LABELS = new Map<string, string>([
  ...STAGES.flatMap((s) => s.fields.map((f) => [f.name, f.label] as [string, string])),
  ...REVIEW_FIELDS.map((f) => [f.name, f.label] as [string, string]),
  ...CHILD_FIELDS.map((f) => [f.name, f.label] as [string, string]),
  ['legal_status', 'Legal status at referral'],
  ['outcome_6m_legal_status', 'Legal status at 6 months'], ['outcome_6m_living', 'Living arrangement at 6 months'],
  ['outcome_12m_legal_status', 'Legal status at 12 months'], ['outcome_12m_living', 'Living arrangement at 12 months'],
]);
export const fieldLabel = (field: string) => FIELD_LABELS.get(field) ?? field;

/** ?period=2024 is the financial year 2024-25; anything else is the whole database. */
function periodOf(req: Request) {
  const p = str(req.query.period);
  if (/^\d{4}$/.test(p) && +p >= 2000 && +p <= currentFinancialYear() + 1) return { key: p, period: financialYear(+p) };
  return { key: 'all', period: undefined };
}

const ruleTitle = new Map(RULES.map((r) => [r.code, r.title]));
export const ISSUE_COLUMNS: Column<Issue>[] = [
  { header: 'Rule', value: (i) => ruleTitle.get(i.rule) ?? i.rule, width: 40 },
  { header: 'Rule code', value: (i) => i.rule, width: 24 },
  { header: 'Severity', value: (i) => i.severity },
  { header: 'Message', value: (i) => i.message, width: 80 },
  { header: 'Family', value: (i) => i.family_ref, width: 16 },
  { header: 'Referral', value: (i) => i.referral_ref, width: 16 },
  { header: 'Child', value: (i) => i.child_ref, width: 16 },
  { header: 'Field', value: (i) => fieldLabel(i.field), width: 40 },
];

/**
 * The data-quality report (managers and data leads), and the duplicate-child merge pages
 * (case access; undo for administrators).
 */
export function qualityRoutes(services: Services): Router {
  const { db } = services;
  const router = Router();
  const insight = requirePermission('insight');

  router.get('/quality', insight, async (req, res) => {
    const { key, period } = periodOf(req);
    const report = await runQuality(db, { period });
    res.render('quality/index', {
      title: 'Data quality', counts: report.counts, periodKey: key, period, years: await availableYears(db),
      totals: { error: report.issues.filter((i) => i.severity === 'error').length, query: report.issues.filter((i) => i.severity === 'query').length },
    });
  });

  router.get('/quality/report.xlsx', insight, async (req, res) => {
    const { period } = periodOf(req);
    const report = await runQuality(db, { period });
    await auditEvent(db, req.user!.id, 'export', 'quality-report', `${period ? period.label : 'whole database'}, ${report.issues.length} issues`);
    res.attachment(`fgc-data-quality-${period ? period.label : 'all'}.xlsx`).type('xlsx').send(await toXlsx('Data quality', ISSUE_COLUMNS, report.issues));
  });

  // What each rule does on a form and on an import: for everyone who signs in (administrators
  // set the CMS ID format it uses; no case data here).
  router.get('/quality/rules', requireSignIn, (req, res) => {
    res.render('quality/rules', { title: 'Data-quality rules', rules: RULES, canSeeReport: can(req.user!.role, 'insight'), backLink: can(req.user!.role, 'insight') ? '/quality' : undefined });
  });

  router.get('/quality/:rule', insight, async (req, res) => {
    const rule = ruleByCode(String(req.params.rule));
    if (!rule) throw notFound();
    const { key, period } = periodOf(req);
    const report = await runQuality(db, { period, rules: [rule.code] });
    const pages = Math.max(1, Math.ceil(report.issues.length / PAGE_SIZE));
    const page = Math.min(pages, Math.max(1, Number.parseInt(str(req.query.page), 10) || 1));
    const rows = report.issues.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((i) => ({ ...i, fix: fixLink(i), fieldLabel: fieldLabel(i.field) }));
    res.render('quality/rule', {
      title: rule.title, rule, rows, count: report.issues.length, page, pages, periodKey: key, period,
      backLink: `/quality?period=${key}`,
    });
  });

  return router;
}
