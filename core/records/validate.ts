import { isValidPhoneNumber, type CountryCode } from 'libphonenumber-js';
import { isCountryCode } from '../countries';
import { CUSTOMER_FIELDS, type CustomerField, type CustomerRecord, type RecordProblem } from '../customer';
import { cleanText, normaliseBirthDate, normaliseCountry } from '../normalise';
import type { SiteRules } from '../rules/types';
import { postcodeProblem } from './postcodes';

/** Longer values are rejected, and not checked further: no format check runs on huge input. */
export const MAX_VALUE_LENGTH = 200;

// WHATWG's rule for email inputs, plus at least one dot in the domain (audits run it in PostgreSQL too)
export const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Every problem of a raw record under a site's rules. Problems name the field and what was
 * expected, never the value, so they can be logged and stored. `today` dates the age check. */
export function validateRecord(raw: CustomerRecord, rules: SiteRules, today = new Date()): RecordProblem[] {
  const problems: RecordProblem[] = [];
  const problem = (field: CustomerField, rule: string, expected: string) => problems.push({ field, rule, expected });
  const values = new Map<CustomerField, string>();
  for (const field of CUSTOMER_FIELDS) {
    const value = cleanText(raw[field], false);
    if (value === undefined) {
      if (rules.fields.required.includes(field)) problem(field, 'required', `a value: this site requires ${field}`);
    } else if (value.length > MAX_VALUE_LENGTH) {
      problem(field, 'too_long', `at most ${MAX_VALUE_LENGTH} characters`);
    } else {
      values.set(field, value);
    }
  }

  const rawCountry = values.get('country');
  const country = rawCountry === undefined ? undefined : normaliseCountry(rawCountry);
  const knownCountry = country !== undefined && isCountryCode(country) ? country : undefined;
  if (rawCountry !== undefined && !knownCountry) {
    problem('country', 'unknown_country', 'an ISO 3166-1 alpha-2 country code such as FR, or a country name in English such as France');
  }

  const email = values.get('email');
  if (email !== undefined && !EMAIL.test(email)) problem('email', 'email_format', 'an email address such as name@example.com');

  const phone = values.get('phone');
  const phoneCountry = knownCountry ?? rules.normalisation.defaultPhoneCountry;
  if (phone !== undefined && !isValidPhoneNumber(phone, phoneCountry as CountryCode)) {
    problem('phone', 'phone_format', `a valid phone number, in international form such as +33 1 23 45 67 89 or as dialled in ${phoneCountry}`);
  }

  const birthDate = values.get('birthDate');
  if (birthDate !== undefined) {
    const isoDate = normaliseBirthDate(birthDate);
    const { minAgeYears, maxAgeYears } = rules.fields.birthDate;
    if (isoDate === undefined) {
      problem('birthDate', 'date_format', 'a real date such as 1980-04-23, 19800423, 23/04/1980 or 23.04.1980');
    } else if (!isAgeBetween(isoDate, today, minAgeYears, maxAgeYears)) {
      problem('birthDate', 'birth_date_range', `a birth date for an age between ${minAgeYears} and ${maxAgeYears} years`);
    }
  }

  const postcode = values.get('postcode');
  // a postcode is read in the record's country; with an unknown country there is nothing to check it against
  const postcodeCountry = rawCountry === undefined ? rules.normalisation.defaultCountry : knownCountry;
  const postcodeExpected = postcode && postcodeCountry ? postcodeProblem(postcode, postcodeCountry) : undefined;
  if (postcodeExpected !== undefined) problem('postcode', 'postcode_format', postcodeExpected);

  for (const [field, pattern] of Object.entries(rules.fields.patterns) as [CustomerField, { regex: string; description: string }][]) {
    const value = values.get(field);
    if (value !== undefined && !new RegExp(pattern.regex, 'u').test(value)) problem(field, 'pattern', pattern.description);
  }
  return problems;
}

/** Age in whole years on `today` (UTC), for a YYYY-MM-DD birth date. */
function isAgeBetween(isoDate: string, today: Date, minAgeYears: number, maxAgeYears: number): boolean {
  const [year, month, day] = isoDate.split('-').map(Number);
  const hadBirthdayThisYear =
    today.getUTCMonth() + 1 > month || (today.getUTCMonth() + 1 === month && today.getUTCDate() >= day);
  const age = today.getUTCFullYear() - year - (hadBirthdayThisYear ? 0 : 1);
  return age >= minAgeYears && age <= maxAgeYears;
}
