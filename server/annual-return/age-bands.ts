// Age bands for the annual return (domain.md "Counting rules").
// Hot path (run for every counted child): plain string work, no Date objects.

export const AGE_BANDS = [
  { code: 'UNBORN', label: 'Unborn' },
  { code: 'U1', label: 'Under 1' },
  { code: '1-4', label: '1-4' },
  { code: '5-9', label: '5-9' },
  { code: '10-15', label: '10-15' },
  { code: '16-17', label: '16-17' },
  { code: '18+', label: '18 and over' },
  { code: 'NR', label: 'Not recorded' },
] as const;

export type AgeBandCode = (typeof AGE_BANDS)[number]['code'];

/** Shaped like YYYY-MM-DD (cheap check: this runs for every counted child). */
function usable(s: string | null | undefined): s is string {
  return typeof s === 'string' && s.length === 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45;
}

/** Whole years of age on `on` for someone born on `dob` (both YYYY-MM-DD); same result as dates.ageOn. */
export function ageInYears(dob: string, on: string): number {
  const years = +on.slice(0, 4) - +dob.slice(0, 4);
  // 'MM-DD' strings compare in calendar order
  return on.slice(5) < dob.slice(5) ? years - 1 : years;
}

export function bandForAge(age: number): AgeBandCode {
  if (age < 1) return 'U1';
  if (age < 5) return '1-4';
  if (age < 10) return '5-9';
  if (age < 16) return '10-15';
  if (age < 18) return '16-17';
  return '18+';
}

/**
 * Age band of a child on a referral date.
 * - A recorded date of birth on or before the referral date gives the age in whole years.
 * - A child not yet born on the referral date is "Unborn": either the expected date of
 *   delivery is after the referral date (with no date of birth, or one after the referral
 *   date), or the recorded date of birth itself is after the referral date.
 * - Anything else (no usable dates) is "Not recorded".
 */
export function ageBand(
  dateOfBirth: string | null | undefined,
  expectedDateOfBirth: string | null | undefined,
  referralDate: string | null | undefined,
): AgeBandCode {
  if (!usable(referralDate)) return 'NR';
  if (usable(dateOfBirth)) return dateOfBirth <= referralDate ? bandForAge(ageInYears(dateOfBirth, referralDate)) : 'UNBORN';
  if (usable(expectedDateOfBirth) && expectedDateOfBirth > referralDate) return 'UNBORN';
  return 'NR';
}
