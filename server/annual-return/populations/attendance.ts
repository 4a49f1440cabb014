// Attendance at the initial FGCs held in the period: child participation, advocate, interpreter,
// private family time, and the family members present.
import type { Referral } from '../../cases/types.js';
import { NR, codeOf } from '../breakdowns.js';
import type { Attendance, AttendanceFlag } from '../return-types.js';

/** Ways a child took part: attended in person, through an advocate, or gave views another way. */
const PARTICIPATED = new Set(['ATTENDED', 'ADVOCATE', 'OTHERWAY']);

const isCount = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

/** Yes, no (false) or not recorded (null or undefined) for each meeting. */
function flag(held: readonly Referral[], answer: (r: Referral) => boolean | null | undefined): AttendanceFlag {
  const ids: number[] = [];
  let notRecorded = 0;
  for (const r of held) {
    const value = answer(r);
    if (value === true) ids.push(r.id);
    else if (value === null || value === undefined) notRecorded++;
  }
  return { count: ids.length, ids, notRecorded };
}

/** `held`: the referrals whose initial FGC was held in the period (took-place.ts). */
export function countAttendance(held: readonly Referral[]): Attendance {
  let meetingsWithAttendance = 0;
  let familyMembers = 0;
  for (const r of held) {
    const present = [r.attend_parents, r.attend_maternal, r.attend_paternal, r.attend_friends];
    if (present.some(isCount)) {
      meetingsWithAttendance++;
      let members = 0;
      for (const n of present) if (isCount(n)) members += n;
      familyMembers += members;
    }
  }
  return {
    meetings: held.length,
    childParticipated: flag(held, (r) => {
      const part = codeOf(r.child_participation);
      return PARTICIPATED.has(part) ? true : part === NR ? null : false;
    }),
    advocateUsed: flag(held, (r) => r.advocate_used),
    interpreterUsed: flag(held, (r) => r.interpreter_used),
    privateFamilyTime: flag(held, (r) => r.private_family_time),
    meetingsWithAttendance,
    familyMembers,
    meanFamilyMembers: meetingsWithAttendance > 0 ? familyMembers / meetingsWithAttendance : null,
  };
}
