import { formatDate } from '../common/dates.js';

// How people are named on the pages a coordinator scans: a child by name (or as unborn,
// with the due date), a family by its children's surnames. Pages only: names never go into
// logs, aggregate outputs or error pages.

export interface NamedChild {
  first_name: string | null;
  last_name: string | null;
  date_of_birth?: string | null;
  expected_date_of_birth?: string | null;
}

/** "Amy Smith"; "Unborn (due 23 February 2027)" for an unborn child not yet named; "Name not recorded" otherwise. */
export function childName(c: NamedChild): string {
  const name = [c.first_name, c.last_name].map((s) => (s ?? '').trim()).filter(Boolean).join(' ');
  if (!c.date_of_birth && c.expected_date_of_birth && !(c.first_name ?? '').trim()) {
    return `Unborn${(c.last_name ?? '').trim() ? ` ${c.last_name!.trim()}` : ''} (due ${formatDate(c.expected_date_of_birth)})`;
  }
  return name || 'Name not recorded';
}

/** The family's name: its children's surnames, in order, each once ("Smith", "Smith / Jones"), or null when none is recorded. */
export function familyName(children: Pick<NamedChild, 'last_name'>[]): string | null {
  const seen = new Map<string, string>();
  for (const c of children) {
    const s = (c.last_name ?? '').trim();
    if (s && !seen.has(s.toLowerCase())) seen.set(s.toLowerCase(), s);
  }
  return seen.size ? [...seen.values()].join(' / ') : null;
}

/** The surname most of the children have (the first of them on a tie), or null. */
export function commonSurname(children: Pick<NamedChild, 'last_name'>[]): string | null {
  const counts = new Map<string, { name: string; n: number }>();
  for (const c of children) {
    const s = (c.last_name ?? '').trim();
    if (!s) continue;
    const k = counts.get(s.toLowerCase());
    if (k) k.n += 1;
    else counts.set(s.toLowerCase(), { name: s, n: 1 });
  }
  let best: { name: string; n: number } | null = null;
  for (const v of counts.values()) if (!best || v.n > best.n) best = v;
  return best?.name ?? null;
}
