import { describe, expect, it } from 'vitest';
import { childName, commonSurname, familyName } from './names.js';

describe('names on the pages', () => {
  it('names a child, or says it is unborn with its due date', () => {
    expect(childName({ first_name: 'Amy', last_name: 'Smith' })).toBe('Amy Smith');
    expect(childName({ first_name: ' Amy ', last_name: null })).toBe('Amy');
    expect(childName({ first_name: null, last_name: 'Smith', expected_date_of_birth: '2027-02-23' })).toBe('Unborn Smith (due 23 February 2027)');
    expect(childName({ first_name: null, last_name: null, expected_date_of_birth: '2027-02-23' })).toBe('Unborn (due 23 February 2027)');
    expect(childName({ first_name: 'Baby', last_name: 'Smith', expected_date_of_birth: '2027-02-23' })).toBe('Baby Smith');
    expect(childName({ first_name: null, last_name: null })).toBe('Name not recorded');
  });

  it('names a family by its children’s surnames, each once, in order', () => {
    expect(familyName([{ last_name: 'Smith' }, { last_name: 'smith' }, { last_name: 'Jones' }, { last_name: null }])).toBe('Smith / Jones');
    expect(familyName([{ last_name: ' ' }])).toBeNull();
  });

  it('offers a new child the surname most of the family’s children have', () => {
    expect(commonSurname([{ last_name: 'Jones' }, { last_name: 'Smith' }, { last_name: 'smith' }])).toBe('Smith');
    expect(commonSurname([{ last_name: 'Jones' }, { last_name: 'Smith' }])).toBe('Jones');
    expect(commonSurname([{ last_name: null }])).toBeNull();
  });
});
