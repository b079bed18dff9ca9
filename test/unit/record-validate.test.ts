import type { CustomerRecord } from '../../core/customer';
import { mergeSiteRules } from '../../core/rules/merge';
import type { SiteRules } from '../../core/rules/types';
import { validateRecord } from '../../core/records/validate';
import { globalRuleFile } from '../support/rule-files';

const TODAY = new Date('2026-06-15T12:00:00Z');

function siteRules(overrides: Partial<Pick<SiteRules, 'fields'>> = {}): SiteRules {
  const rules = mergeSiteRules(globalRuleFile(), {
    site: { id: 'test-site', name: 'Test site', country: 'FR', timeZone: 'Europe/Paris', jurisdiction: 'EU-GDPR' },
  });
  return {
    ...rules,
    fields: { required: ['familyName'], patterns: {}, birthDate: { minAgeYears: 16, maxAgeYears: 120 }, ...overrides.fields },
    normalisation: { ...rules.normalisation, defaultPhoneCountry: 'FR', defaultCountry: 'FR' },
  };
}

const cleanRecord: CustomerRecord = {
  givenName: 'Camille',
  familyName: 'Durand',
  birthDate: '1980-04-23',
  email: 'camille.durand@example.com',
  phone: '01 42 68 53 00',
  street: '12 rue de la Paix',
  postcode: '75002',
  city: 'Paris',
  country: 'FR',
};

function problemsOf(record: CustomerRecord, rules = siteRules()) {
  return validateRecord(record, rules, TODAY).map(({ field, rule }) => `${field}:${rule}`);
}

describe('validateRecord', () => {
  it('accepts a clean record', () => {
    expect(validateRecord(cleanRecord, siteRules(), TODAY)).toEqual([]);
  });

  it('reports every problem, not just the first', () => {
    const record: CustomerRecord = {
      email: 'camille.durand@',
      phone: '12',
      birthDate: '31/02/1980',
      postcode: '7500',
      country: 'XX',
      street: 'x'.repeat(201),
    };
    expect(problemsOf(record).sort()).toEqual(
      [
        'familyName:required',
        'country:unknown_country',
        'email:email_format',
        'phone:phone_format',
        'birthDate:date_format',
        'street:too_long',
      ].sort(),
    );
  });

  it('never puts the value into a problem', () => {
    const record: CustomerRecord = { familyName: 'Durand', email: 'secret-person@', birthDate: '1890-01-01', phone: '+33 9999' };
    const problems = validateRecord(record, siteRules(), TODAY);
    expect(problems).toHaveLength(3);
    for (const problem of problems) {
      expect(problem.expected).not.toMatch(/secret-person|1890|9999/);
    }
  });

  it('treats blank values as missing', () => {
    expect(problemsOf({ familyName: '   ' })).toEqual(['familyName:required']);
  });

  it.each(['1980-04-23', '19800423', '23/04/1980', '23.04.1980'])('reads the birth date %s', (birthDate) => {
    expect(problemsOf({ ...cleanRecord, birthDate })).toEqual([]);
  });

  it.each(['1980-02-30', '23-04-1980', 'yesterday', '2000-13-01'])('rejects the birth date %s', (birthDate) => {
    expect(problemsOf({ ...cleanRecord, birthDate })).toEqual(['birthDate:date_format']);
  });

  it('checks that the age is plausible under the site rules', () => {
    expect(problemsOf({ ...cleanRecord, birthDate: '2010-06-16' })).toEqual(['birthDate:birth_date_range']);
    expect(problemsOf({ ...cleanRecord, birthDate: '2010-06-15' })).toEqual([]);
    expect(problemsOf({ ...cleanRecord, birthDate: '2030-01-01' })).toEqual(['birthDate:birth_date_range']);
    expect(problemsOf({ ...cleanRecord, birthDate: '1900-01-01' })).toEqual(['birthDate:birth_date_range']);
    const expected = validateRecord({ ...cleanRecord, birthDate: '2020-01-01' }, siteRules(), TODAY)[0].expected;
    expect(expected).toBe('a birth date for an age between 16 and 120 years');
  });

  it('reads phone numbers in the record country, else the default phone country', () => {
    expect(problemsOf({ ...cleanRecord, phone: '030 12345678', country: 'DE' })).toEqual([]);
    expect(problemsOf({ ...cleanRecord, phone: '030 12345678', country: undefined })).toEqual(['phone:phone_format']);
    expect(problemsOf({ ...cleanRecord, phone: '+49 89 1234567' })).toEqual([]);
  });

  it.each([
    ['FR', '75008', '7500A'],
    ['DE', '80331', '8033'],
    ['GB', 'SW1A 1AA', '12345'],
    ['US', '94105-1234', '9410'],
    ['AU', '2000', '20000'],
  ])('checks %s postcodes', (country, valid, invalid) => {
    const record = { ...cleanRecord, country, phone: undefined };
    expect(problemsOf({ ...record, postcode: valid })).toEqual([]);
    expect(problemsOf({ ...record, postcode: invalid })).toEqual(['postcode:postcode_format']);
  });

  it('accepts country names and reads postcodes in the default country when none is given', () => {
    expect(problemsOf({ ...cleanRecord, country: 'France' })).toEqual([]);
    expect(problemsOf({ ...cleanRecord, country: undefined, postcode: '123' })).toEqual(['postcode:postcode_format']);
  });

  it('applies the site patterns with their description', () => {
    const rules = siteRules({
      fields: {
        required: [],
        patterns: { nationalId: { regex: '^[0-9]{11}$', description: 'a tax number of 11 digits' } },
        birthDate: { minAgeYears: 0, maxAgeYears: 150 },
      },
    });
    expect(validateRecord({ nationalId: '12345678901' }, rules, TODAY)).toEqual([]);
    expect(validateRecord({ nationalId: '1234' }, rules, TODAY)).toEqual([
      { field: 'nationalId', rule: 'pattern', expected: 'a tax number of 11 digits' },
    ]);
  });
});
