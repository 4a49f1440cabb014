// Case management system ids: compared without case or spaces, and checked against the
// council's format (a setting, an RE2 pattern refused when it could take long to match).
import { RE2JS } from 're2js';

/** CMS ids compare without case or spaces: "ab 123" and "AB123" are the same id. */
export function normaliseCmsId(id: string | null | undefined): string | null {
  if (!id) return null;
  const upper = id.toUpperCase();
  const s = /\s/.test(upper) ? upper.replace(/\s+/g, '') : upper;
  return s || null;
}

/** What a compiled CMS id format answers: whether an id is in it. */
export interface IdFormat {
  test(id: string): boolean;
}

/** The longest CMS id format an administrator may save. */
export const MAX_CMS_ID_PATTERN = 200;

let compiled: { pattern: string; format: IdFormat | null } | null = null;

/**
 * The service's CMS id format, or null when none is set or it cannot be used (an
 * administrator's typo must not stop every save). Matched by RE2 (re2js: linear time in the
 * length of the id, whatever the pattern), never by a backtracking engine: "^(\d+)+$" froze the
 * server for 22 seconds on a 33-character id with JavaScript's RegExp.
 */
export function compileCmsIdPattern(pattern: string | null | undefined): IdFormat | null {
  const p = (pattern ?? '').trim();
  if (!p || p.length > MAX_CMS_ID_PATTERN) return null;
  if (compiled?.pattern === p) return compiled.format;
  let format: IdFormat | null;
  try {
    const re = RE2JS.compile(p);
    format = { test: (id: string) => re.test(id) };
  } catch {
    format = null;
  }
  compiled = { pattern: p, format };
  return format;
}

/**
 * Why a CMS id format cannot be saved (a GOV.UK error message), or null. It must be RE2 syntax
 * (no look-arounds or back-references), at most MAX_CMS_ID_PATTERN characters, and must not
 * repeat a part that itself repeats, like (\d+)+: harmless here, but the same format pasted
 * into a spreadsheet or another system can take minutes on one id.
 */
export function cmsIdPatternProblem(pattern: string): string | null {
  const p = pattern.trim();
  if (!p) return null;
  if (p.length > MAX_CMS_ID_PATTERN) return `Format of case management system IDs must be ${MAX_CMS_ID_PATTERN} characters or fewer`;
  try {
    RE2JS.compile(p);
  } catch (e) {
    const why = (e as Error).message.replace(/^error parsing regexp: /, '');
    return `Enter a regular expression this service can check (${why}). Look-aheads like (?=...) and back-references like \\1 cannot be used`;
  }
  if (repeatsARepeat(p)) {
    return 'Format of case management system IDs must not repeat a part that itself repeats, like (\\d+)+ or (\\w*)*: write ^\\d+$ instead of ^(\\d+)+$';
  }
  return null;
}

/** A quantifier at i: its length, and whether it allows more than one (repeats) or a varying count (varies). */
function quantifierAt(p: string, i: number): { length: number; repeats: boolean; varies: boolean } | null {
  const m = /^(?:([*+?])|\{(\d+)(,(\d*))?\})[?+]?/.exec(p.slice(i));
  if (!m) return null;
  if (m[1]) return { length: m[0].length, repeats: m[1] !== '?', varies: true };
  const min = Number(m[2]);
  const max = m[3] === undefined ? min : m[4] === '' ? Infinity : Number(m[4]);
  return { length: m[0].length, repeats: max > 1, varies: max !== min };
}

/** True when a group that contains a varying repeat (+, *, ?, {n,m}) is itself repeated. */
export function repeatsARepeat(p: string): boolean {
  const groups: boolean[] = [false]; // per open group: does it contain a varying quantifier?
  let i = 0;
  while (i < p.length) {
    const ch = p[i];
    let varies = false;
    if (ch === '\\') {
      i += 2;
    } else if (ch === '[') {
      i++;
      if (p[i] === '^') i++;
      if (p[i] === ']') i++;
      while (i < p.length && p[i] !== ']') i += p[i] === '\\' ? 2 : 1;
      i++;
    } else if (ch === '(') {
      groups.push(false);
      i++;
      if (p[i] === '?') {
        // (?:  (?i)  (?P<name>  (?<name>
        const m = /^\?(?:P?<[^>]*>|[a-zA-Z-]*:?)/.exec(p.slice(i));
        i += m ? m[0].length : 1;
      }
      continue;
    } else if (ch === ')') {
      const inner = groups.length > 1 ? groups.pop()! : false;
      i++;
      const q = quantifierAt(p, i);
      if (q) {
        if (q.repeats && inner) return true;
        i += q.length;
        varies = q.varies;
      }
      if (inner || varies) groups[groups.length - 1] = true;
      continue;
    } else {
      i++;
    }
    const q = quantifierAt(p, i);
    if (q) {
      i += q.length;
      if (q.varies) groups[groups.length - 1] = true;
    }
  }
  return false;
}
