import { describe, expect, it } from 'vitest';
import { closeBirthDates, duplicateReasons, findPossibleDuplicates, type PersonFacts } from './matcher.js';

const child = (over: Partial<PersonFacts>): PersonFacts => ({
  id: undefined, family_id: 1, cms_id: null, first_name: 'John', last_name: 'Smith', date_of_birth: '2018-05-10', expected_date_of_birth: null, ...over,
});

describe('possible duplicate children', () => {
  it('matches the same CMS id whatever the names, ignoring case and spaces', () => {
    expect(duplicateReasons(child({ cms_id: 'ab123' }), child({ id: 2, cms_id: 'AB 123', first_name: 'Zed', last_name: 'Other', family_id: 9 }))).toEqual(['same-cms-id']);
  });

  it.each([
    ['Jon', 'Smith', 'John', 'Smith'],
    ['Mohammed', 'Khan', 'Muhammad', 'Khan'],
    ['Mohamed', 'Ali', 'Mohammad', 'Ali'],
    ['Katie', 'Smyth', 'Katy', 'Smith'],
    ['Amy', 'Smith-Jones', 'Amy', 'Jones'],
    ['Amy', 'Smith-Jones', 'Amy', 'Smith Jones'],
    ['Amy', 'Jones-Smith', 'Amy', 'Smith-Jones'],
  ])('matches %s %s with %s %s born the same day', (f1, l1, f2, l2) => {
    expect(duplicateReasons(child({ first_name: f1, last_name: l1 }), child({ id: 2, first_name: f2, last_name: l2, family_id: 7 }))).toEqual(['similar-name-and-birth-date']);
  });

  it('matches first and last names swapped', () => {
    expect(duplicateReasons(child({ first_name: 'Smith', last_name: 'John' }), child({ id: 2 }))).toEqual(['swapped-names-and-birth-date']);
    expect(duplicateReasons(child({ first_name: 'Khan', last_name: 'Muhammad' }), child({ id: 2, first_name: 'Mohammed', last_name: 'Khan' }))).toEqual(['swapped-names-and-birth-date']);
  });

  it('allows a date of birth a few days out, or with day and month swapped', () => {
    expect(duplicateReasons(child({}), child({ id: 2, first_name: 'Jon', date_of_birth: '2018-05-13' }))).toEqual(['similar-name-and-birth-date']);
    expect(duplicateReasons(child({}), child({ id: 2, date_of_birth: '2018-10-05' }))).toEqual(['similar-name-and-birth-date']);
    expect(closeBirthDates('2018-05-10', '2018-05-14')).toBe(false);
  });

  it('does not match different children', () => {
    expect(duplicateReasons(child({}), child({ id: 2, first_name: 'James' }))).toEqual([]); // a twin
    expect(duplicateReasons(child({}), child({ id: 2, last_name: 'Jones' }))).toEqual([]);
    expect(duplicateReasons(child({}), child({ id: 2, date_of_birth: '2018-05-20' }))).toEqual([]);
    expect(duplicateReasons(child({}), child({ id: 2, date_of_birth: null, expected_date_of_birth: '2018-05-10', family_id: 2 }))).toEqual([]);
  });

  it('matches a record with no first name only on an exact date of birth', () => {
    expect(duplicateReasons(child({ first_name: null }), child({ id: 2 }))).toEqual(['similar-name-and-birth-date']);
    expect(duplicateReasons(child({ first_name: null }), child({ id: 2, date_of_birth: '2018-05-11' }))).toEqual([]);
  });

  it('matches unborn children in one family by expected date, and a birth near an expected date', () => {
    const unborn = child({ first_name: null, date_of_birth: null, expected_date_of_birth: '2025-09-01' });
    expect(duplicateReasons(unborn, child({ id: 2, first_name: null, date_of_birth: null, expected_date_of_birth: '2025-09-05' }))).toEqual(['same-expected-date']);
    expect(duplicateReasons(unborn, child({ id: 2, first_name: null, date_of_birth: null, expected_date_of_birth: '2025-09-05', family_id: 2 }))).toEqual([]);
    expect(duplicateReasons(unborn, child({ id: 2, first_name: 'Ava', date_of_birth: '2025-08-20' }))).toEqual(['born-near-expected-date']);
    expect(duplicateReasons(unborn, child({ id: 2, first_name: 'Ava', date_of_birth: '2024-08-20' }))).toEqual([]);
  });

  it('lists the strongest first and leaves out the record itself and merged records', () => {
    const pool = [
      { ...child({ first_name: 'Jon' }), id: 1 },
      { ...child({ cms_id: 'X1', first_name: 'Jonny' }), id: 2 },
      { ...child({}), id: 3, merged_into_id: 1 },
      { ...child({ first_name: 'Jim', last_name: 'Brown' }), id: 4 },
      { ...child({}), id: 5 },
    ];
    const found = findPossibleDuplicates({ ...child({ cms_id: 'x1' }), id: 5 }, pool);
    expect(found.map((d) => [d.child.id, d.reasons])).toEqual([
      [2, ['same-cms-id', 'similar-name-and-birth-date']],
      [1, ['similar-name-and-birth-date']],
    ]);
  });
});
