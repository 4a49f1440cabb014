import { describe, expect, it } from 'vitest';
import { jaroWinkler, nameParts, normaliseName, phoneticKey, similarNames } from './names.js';

describe('normalising names', () => {
  it('drops case, accents and apostrophes, and splits hyphenated names', () => {
    expect(normaliseName("  O'Brien ")).toBe('obrien');
    expect(normaliseName('Zoë')).toBe('zoe');
    expect(nameParts('Smith-Jones')).toEqual(['smith', 'jones']);
    expect(nameParts('  ')).toEqual([]);
  });
});

describe('phonetic key', () => {
  it('makes spelling variants alike', () => {
    expect(phoneticKey('jon')).toBe(phoneticKey('john'));
    expect(phoneticKey('mohammed')).toBe(phoneticKey('muhammad'));
    expect(phoneticKey('mohamed')).toBe(phoneticKey('muhammad'));
    expect(phoneticKey('catherine')).toBe(phoneticKey('kathryn'));
    expect(phoneticKey('stephen')).toBe(phoneticKey('steven'));
    expect(phoneticKey('aisha')).toBe(phoneticKey('ayesha'));
    expect(phoneticKey('sean')).toBe(phoneticKey('shaun'));
  });
  it('keeps different names apart', () => {
    expect(phoneticKey('james')).not.toBe(phoneticKey('john'));
    expect(phoneticKey('ann')).not.toBe(phoneticKey('ian'));
    expect(phoneticKey('oliver')).not.toBe(phoneticKey('olivia'));
  });
});

describe('Jaro-Winkler', () => {
  it('scores known pairs', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });
});

describe('similar names', () => {
  it.each([
    ['Jon', 'John'], ['Mohammed', 'Muhammad'], ['Mohammad', 'Mohamed'], ['Katie', 'Katy'], ['Smith', 'Smyth'], ['Thompson', 'Thomson'],
    ['Smith-Jones', 'Jones'], ['Smith-Jones', 'Smith Jones'], ['Smith-Jones', 'Smithjones'], ['Jones-Smith', 'Smith-Jones'], ["O'Brien", 'OBrien'],
    ['Zoë', 'Zoe'], ['Aaliyah', 'Aliyah'], ['Jennifer', 'Jenifer'],
  ])('%s ~ %s', (a, b) => expect(similarNames(a, b)).toBe(true));
  it.each([
    ['John', 'James'], ['Smith', 'Jones'], ['Amy', 'Zoe'], ['Oliver', 'Olivia'], ['Ann', 'Ian'], ['', 'John'], ['J', 'John'],
  ])('%s is not %s', (a, b) => expect(similarNames(a, b)).toBe(false));
});
