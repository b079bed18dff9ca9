import { normaliseBirthDate, normaliseCountry, normalisePhone, normaliseRecord } from '../../core/normalise';
import type { NormalisationRules } from '../../core/rules/types';

const rules: NormalisationRules = { defaultPhoneCountry: 'FR', defaultCountry: 'FR', nameCase: 'title', stripAccents: false };

describe('normaliseRecord', () => {
  it('trims, collapses whitespace and cases names', () => {
    const record = normaliseRecord({ givenName: '  jean-luc ', familyName: "o'BRIEN   de  la", city: ' Lyon  3e ' }, rules);
    expect(record).toEqual({ givenName: 'Jean-Luc', familyName: "O'Brien De La", city: 'Lyon 3e' });
  });

  it('strips accents only when the rules say so', () => {
    expect(normaliseRecord({ familyName: 'Müller' }, rules).familyName).toBe('Müller');
    expect(normaliseRecord({ familyName: 'Müller' }, { ...rules, stripAccents: true }).familyName).toBe('Muller');
  });

  it('composes to NFC', () => {
    expect(normaliseRecord({ city: 'Ze\u0301nith' }, { ...rules, nameCase: 'preserve' }).city).toBe('Z\u00e9nith');
  });

  it('lower-cases email and upper-cases postcode', () => {
    expect(normaliseRecord({ email: ' Ann.Lee@Example.COM ', postcode: 'sw1a   1aa' }, rules)).toEqual({
      email: 'ann.lee@example.com',
      postcode: 'SW1A 1AA',
    });
  });

  it('drops what it cannot read and empty values', () => {
    expect(normaliseRecord({ birthDate: '20010231', phone: 'call me', givenName: '   ' }, rules)).toEqual({});
  });

  it("reads phone numbers in the record's country before the default one", () => {
    expect(normaliseRecord({ phone: '030 1234567', country: 'de' }, rules)).toEqual({ phone: '+49301234567', country: 'DE' });
  });
});

describe('normaliseBirthDate', () => {
  it.each([
    ['1990-07-04', '1990-07-04'],
    ['19900704', '1990-07-04'],
    ['04/07/1990', '1990-07-04'],
    ['4.7.1990', '1990-07-04'],
    ['29/02/2000', '2000-02-29'],
  ])('reads %s', (raw, expected) => expect(normaliseBirthDate(raw)).toBe(expected));

  it.each(['29/02/2001', '19901301', '1990-7-4x', '07/04/90'])('drops %s', (raw) => expect(normaliseBirthDate(raw)).toBeUndefined());
});

describe('normalisePhone', () => {
  it('gives E.164', () => {
    expect(normalisePhone('06 12 34 56 78', 'FR')).toBe('+33612345678');
    expect(normalisePhone('+44 20 7946 0958', 'FR')).toBe('+442079460958');
  });
});

describe('normaliseCountry', () => {
  it('accepts codes and English names', () => {
    expect(normaliseCountry('fr')).toBe('FR');
    expect(normaliseCountry('United Kingdom')).toBe('GB');
    expect(normaliseCountry('germany')).toBe('DE');
    expect(normaliseCountry('UK')).toBe('GB');
    expect(normaliseCountry('Atlantis')).toBeUndefined();
  });
});
