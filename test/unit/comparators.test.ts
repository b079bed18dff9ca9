import { compareField } from '../../core/matching/comparators';
import { comparableRecord, foldText, matchKeys } from '../../core/matching/keys';
import { editDistance, jaroWinkler } from '../../core/matching/similarity';
import type { CustomerRecord } from '../../core/customer';
import type { ComparatorName, MatchField } from '../../core/rules/types';

function level(comparator: ComparatorName, field: MatchField, a: CustomerRecord, b: CustomerRecord, params = {}): string {
  return compareField(comparator, field, comparableRecord(a), comparableRecord(b), params);
}

describe('string similarity', () => {
  it('computes Jaro-Winkler as published', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 4);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('abc', '')).toBe(0);
  });

  it('counts edits, an adjacent swap as one', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('1934', '1943')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('match keys', () => {
  it('folds case, accents and punctuation', () => {
    expect(foldText("  O'Brien-Dupré ")).toBe('obrien dupre');
    expect(matchKeys({ givenName: 'Zoë', familyName: 'Lefèvre', postcode: 'SW1A 1AA', email: 'A@B.fr' })).toMatchObject({
      given_name_key: 'zoe',
      family_name_key: 'lefevre',
      name_key: 'zoe lefevre',
      postcode_key: 'sw1a1aa',
      email_key: 'a@b.fr',
      phone_key: null,
    });
  });
});

describe('comparators', () => {
  it('says missing when either side is empty', () => {
    expect(level('exact', 'city', { city: 'Lyon' }, {})).toBe('missing');
  });

  it('grades names', () => {
    expect(level('name', 'givenName', { givenName: 'Anna' }, { givenName: 'anna' })).toBe('exact');
    expect(level('name', 'givenName', { givenName: 'Jonathan' }, { givenName: 'Jonathon' })).toBe('close');
    expect(level('name', 'givenName', { givenName: 'J' }, { givenName: 'John' })).toBe('initial');
    expect(level('name', 'givenName', { givenName: 'Rob' }, { givenName: 'Robert' })).toBe('initial');
    const swapped = [{ givenName: 'Isla', familyName: 'Hall' }, { givenName: 'Hall', familyName: 'Isla' }];
    expect(level('name', 'givenName', swapped[0]!, swapped[1]!)).toBe('swapped');
    expect(level('name', 'fullName', swapped[0]!, swapped[1]!)).toBe('swapped');
    expect(level('name', 'familyName', { familyName: 'Smith' }, { familyName: 'Zhou' })).toBe('different');
  });

  it('grades dates', () => {
    const date = (a: string, b: string) => level('date', 'birthDate', { birthDate: a }, { birthDate: b });
    expect(date('1990-07-04', '1990-07-04')).toBe('exact');
    expect(date('1990-07-04', '1990-04-07')).toBe('dayMonthSwapped');
    expect(date('1990-07-04', '1991-07-04')).toBe('oneComponent');
    expect(date('2009-08-25', '2008-08-27')).toBe('twoDigits');
    expect(date('1983-11-24', '1973-11-26')).toBe('twoDigits');
    expect(date('1990-07-04', '1990-12-25')).toBe('sameYear');
    expect(date('1990-07-04', '1971-12-25')).toBe('different');
  });

  it('grades emails', () => {
    const email = (a: string, b: string) => level('email', 'email', { email: a }, { email: b });
    expect(email('roberta25@smith.net', 'roberta25@smith.net')).toBe('exact');
    expect(email('robert255@smith.net', 'roberta25@smith.net')).toBe('close');
    expect(email('ann@gmail.com', 'ann@yahoo.fr')).toBe('sameLocalPart');
    expect(email('ann@gmail.com', 'zoe@gmail.com')).toBe('sameDomain');
    expect(email('ann@gmail.com', 'zoe@yahoo.fr')).toBe('different');
  });

  it('grades phones', () => {
    const phone = (a: string, b: string) => level('phone', 'phone', { phone: a }, { phone: b });
    expect(phone('+33612345678', '+33612345678')).toBe('exact');
    expect(phone('+33612345678', '+41612345678')).toBe('sameLastDigits');
    expect(phone('+33612345678', '+33612345679')).toBe('oneEdit');
    expect(phone('+33612345678', '+33798765432')).toBe('different');
  });

  it('grades postcodes', () => {
    const postcode = (a: string, b: string) => level('postcode', 'postcode', { postcode: a }, { postcode: b });
    expect(postcode('2602', '2602')).toBe('exact');
    expect(postcode('2602', '2620')).toBe('oneEdit');
    expect(postcode('SW1A 1AA', 'SW1A 2BB')).toBe('sameArea');
    expect(postcode('2602', '3175')).toBe('different');
  });

  it('grades edit distances and Jaro-Winkler similarity', () => {
    expect(level('levenshtein', 'nationalId', { nationalId: '7535316' }, { nationalId: '7535361' })).toBe('oneEdit');
    expect(level('jaroWinkler', 'street', { street: '44 forbes street' }, { street: '44 forbes stret' })).toBe('close');
  });
});
