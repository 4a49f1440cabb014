// Name comparison for finding the same child recorded twice. Pure.
// Two measures, either enough: a phonetic skeleton (Jon/John, Mohammed/Muhammad,
// Catherine/Kathryn, Stephen/Steven) and Jaro-Winkler similarity (typing slips).

/** Lower case, accents removed, apostrophes dropped, anything else not a letter a space. */
export function normaliseName(s: string | null | undefined): string {
  return (s ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z]+/g, ' ')
    .trim();
}

/** The parts of a name: "Smith-Jones" and "Smith Jones" are both [smith, jones]. */
export function nameParts(s: string | null | undefined): string[] {
  const n = normaliseName(s);
  return n ? n.split(' ') : [];
}

const DIGRAPHS: [RegExp, string][] = [
  [/^kn/, 'n'], [/^wr/, 'r'], [/^ps/, 's'], [/^x/, 's'],
  [/ph/g, 'f'], [/ck/g, 'k'], [/q/g, 'k'], [/x/g, 'ks'], [/dg/g, 'j'], [/tch/g, 'ch'],
  [/c(?=[eiy])/g, 's'], [/c/g, 'k'], [/z/g, 's'], [/v/g, 'f'], [/y/g, 'i'],
];
const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

/**
 * A phonetic skeleton of one name part: the first letter (vowel or not), then the consonants, with
 * letters that sound alike made the same, h and w dropped, and a consonant repeated
 * without a vowel between written once. Mohammed, Muhammad, Mohamed -> "mmd"; Jon, John -> "jn".
 */
export function phoneticKey(part: string): string {
  let s = part;
  for (const [re, to] of DIGRAPHS) s = s.replace(re, to);
  if (!s) return '';
  let out = s[0];
  let last = VOWELS.has(s[0]) ? '' : s[0];
  for (let i = 1; i < s.length; i++) {
    const ch = s[i];
    if (VOWELS.has(ch)) {
      last = '';
      continue;
    }
    if (ch === 'h' || ch === 'w') continue;
    if (ch !== last) out += ch;
    last = ch;
  }
  return out;
}

/** Jaro-Winkler similarity, 0..1. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (!a.length || !b.length) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(b.length - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (!matches) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / a.length + m / b.length + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

export const SIMILARITY_THRESHOLD = 0.9;

/** Whether two single name parts could be the same name. */
export function similarPart(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length < 2 || b.length < 2) return false; // an initial matches nothing by itself
  const ka = phoneticKey(a);
  const kb = phoneticKey(b);
  if (ka.length >= 2 && ka === kb) return true;
  return jaroWinkler(a, b) >= SIMILARITY_THRESHOLD;
}

/**
 * Whether two names (first or last, possibly several parts or hyphenated) could be the
 * same: any part alike, or the whole alike with spaces and hyphens ignored.
 * "Smith-Jones" is like "Jones" and like "Smithjones".
 */
export function similarNames(a: string | null | undefined, b: string | null | undefined): boolean {
  const pa = nameParts(a);
  const pb = nameParts(b);
  if (!pa.length || !pb.length) return false;
  if (similarPart(pa.join(''), pb.join(''))) return true;
  return pa.some((x) => pb.some((y) => similarPart(x, y)));
}
