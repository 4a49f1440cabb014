import { describe, expect, it } from 'vitest';
import { noRecentActivity } from './no-recent-activity.js';
import { cleanReferral, context } from '../test-fixtures.js';

// today is 2025-06-01; the clean episode's last step before closure is the review on 2025-04-01
const open = { closure_date: null };

describe(noRecentActivity.code, () => {
  it('fires on an open episode whose last step is over 90 days ago', () => {
    const [f] = noRecentActivity.check(cleanReferral({ ...open, review_dates: [] }), context());
    expect(f.field).toBe('closure_date');
    expect(f.message).toContain('5 February 2025'); // the plan sent date is the last step
    expect(noRecentActivity.check(cleanReferral({ ...open, review_dates: [] }), context({ today: '2025-05-07' }))).toHaveLength(1);
  });
  it('is silent within 90 days, and on a closed episode', () => {
    expect(noRecentActivity.check(cleanReferral({ ...open, review_dates: [] }), context({ today: '2025-05-06' }))).toEqual([]);
    expect(noRecentActivity.check(cleanReferral(open), context())).toEqual([]);
    expect(noRecentActivity.check(cleanReferral({ review_dates: [] }), context())).toEqual([]);
  });
});
