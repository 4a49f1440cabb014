// The children's breakdowns (age band, sex, ethnicity and its major group, disability, legal
// status at referral) for a child population: how each counted child is coded, and the rows
// each breakdown has, kept apart from the rest of computeReturn's counting.
import { AGE_BANDS } from './age-bands.js';
import { NR, finishBreakdown, listRows, unknownCodeLabel, type Breakdown, type CodeLists, type RowSpec, type Tally } from './breakdowns.js';

export const CHILD_DIMENSIONS = ['ageBand', 'sex', 'ethnicityGroup', 'ethnicity', 'disability', 'legalStatus'] as const;
export type ChildDimension = (typeof CHILD_DIMENSIONS)[number];
export type ChildPopulationKey = 'referred' | 'consented' | 'tookPlace';

/** Major ethnic groups in the order the survey lists them (code-lists.md). */
export const ETHNICITY_GROUPS = ['White', 'Mixed', 'Asian', 'Black', 'Other', 'Refused / not obtained'] as const;
export const UNGROUPED = 'UNGROUPED';

export const DISABILITY_ROWS: RowSpec[] = [
  { code: 'DISABLED', label: 'Disabled' },
  { code: 'NOTDISABLED', label: 'Not disabled' },
];

/** Legal status of a child not known to children's social care. */
export const NOT_KNOWN_TO_CSC = 'NKCSC';

const CHILD_TITLES: Record<ChildPopulationKey, string> = {
  referred: 'Children subject to an FGC referral',
  consented: 'Children in consented FGCs',
  tookPlace: 'Children involved in initial FGCs that took place',
};

const DIMENSION_TITLES: Record<ChildDimension, string> = {
  ageBand: 'age band',
  sex: 'sex',
  ethnicityGroup: 'ethnicity (major group)',
  ethnicity: 'ethnicity',
  disability: 'disability',
  legalStatus: 'legal status at referral',
};

/**
 * The disability code of a child from their recorded disabilities: any recorded other than
 * NONE is DISABLED; only NONE is NOTDISABLED; nothing recorded is NR.
 */
export function disabilityCodeOf(list: readonly (string | null | undefined)[] | null | undefined): string {
  if (!list || list.length === 0) return NR;
  let any = false;
  for (const d of list) {
    if (d === null || d === undefined || String(d).trim() === '') continue;
    if (d !== 'NONE') return 'DISABLED';
    any = true;
  }
  return any ? 'NOTDISABLED' : NR;
}

/**
 * The legal status counted for a child: as recorded on the referral, else NKCSC for a child
 * with no CMS id, else NR (also when the child's record is not there).
 */
export function legalStatusCodeOf(status: string | null, child: { cms_id: string | null } | undefined): string {
  if (status !== null) return status;
  if (child && (child.cms_id === null || child.cms_id === undefined || child.cms_id.trim() === '')) return NOT_KNOWN_TO_CSC;
  return NR;
}

/** The code lists' view of the children's dimensions: rows for each breakdown and the major group of each ethnicity. */
export interface ChildCoding {
  /** ethnicity code (or NR) -> major group code (NR stays NR; a code with no group is UNGROUPED) */
  groupOf(ethnicity: string): string;
  rows: Record<ChildDimension, { spec: RowSpec[]; unknownLabel?: (code: string) => string }>;
}

export function childCoding(codes: CodeLists): ChildCoding {
  const groups = new Map<string, string>();
  const groupRows: RowSpec[] = ETHNICITY_GROUPS.map((g) => ({ code: g, label: g }));
  for (const e of codes.ethnicity ?? []) {
    const g = e?.group?.trim();
    if (!e?.code || !g) continue;
    groups.set(e.code, g);
    if (!groupRows.some((x) => x.code === g)) groupRows.push({ code: g, label: g });
  }
  return {
    groupOf: (eth) => (eth === NR ? NR : groups.get(eth) ?? UNGROUPED),
    rows: {
      ageBand: { spec: AGE_BANDS.map((b) => ({ code: b.code, label: b.label })) },
      sex: { spec: listRows(codes, 'sex') },
      ethnicityGroup: { spec: groupRows, unknownLabel: (code) => (code === UNGROUPED ? 'Ethnicity code with no major group' : code) },
      ethnicity: { spec: listRows(codes, 'ethnicity') },
      disability: { spec: DISABILITY_ROWS },
      legalStatus: { spec: listRows(codes, 'legal_status'), unknownLabel: (code) => (code === NOT_KNOWN_TO_CSC ? "Not known to children's social care" : unknownCodeLabel(code)) },
    },
  };
}

/** The breakdowns of a child population, keyed `${population}.children.${dimension}`. */
export function childBreakdowns(population: ChildPopulationKey, tallies: Record<ChildDimension, Tally>, coding: ChildCoding): Record<string, Breakdown> {
  const out: Record<string, Breakdown> = {};
  for (const d of CHILD_DIMENSIONS) {
    const key = `${population}.children.${d}`;
    const { spec, unknownLabel } = coding.rows[d];
    out[key] = finishBreakdown({ key, title: `${CHILD_TITLES[population]}, by ${DIMENSION_TITLES[d]}`, population, unit: 'children' }, spec, tallies[d], unknownLabel);
  }
  return out;
}
