import { getCountries, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { CustomerField, CustomerRecord } from './customer';
import type { NormalisationRules } from './rules/types';

/** Puts a record into canonical form. Lenient: a value that cannot be read (a date that does not
 * exist, a phone number that is not one) is dropped; the validator, not this, reports it. */
export function normaliseRecord(raw: CustomerRecord, rules: NormalisationRules): CustomerRecord {
  const text = (field: CustomerField): string | undefined => cleanText(raw[field], rules.stripAccents);
  const name = (field: CustomerField): string | undefined => caseName(text(field), rules.nameCase);
  const country = normaliseCountry(raw.country);
  const record: CustomerRecord = {
    givenName: name('givenName'),
    familyName: name('familyName'),
    birthDate: normaliseBirthDate(raw.birthDate),
    email: cleanText(raw.email, false)?.toLowerCase(),
    phone: normalisePhone(raw.phone, country ?? rules.defaultPhoneCountry),
    street: text('street'),
    addressLine2: text('addressLine2'),
    postcode: cleanText(raw.postcode, rules.stripAccents)?.toUpperCase(),
    city: text('city'),
    region: text('region'),
    country,
    nationalId: cleanText(raw.nationalId, false),
  };
  return withoutMissing(record);
}

/** NFC, trimmed, inner whitespace collapsed to one space; empty becomes missing. */
export function cleanText(value: string | undefined, stripAccents: boolean): string | undefined {
  if (value === undefined) return undefined;
  let cleaned = value.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (stripAccents) cleaned = removeAccents(cleaned);
  return cleaned === '' ? undefined : cleaned;
}

export function removeAccents(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
}

function caseName(value: string | undefined, nameCase: NormalisationRules['nameCase']): string | undefined {
  if (value === undefined) return undefined;
  switch (nameCase) {
    case 'preserve':
      return value;
    case 'upper':
      return value.toUpperCase();
    case 'lower':
      return value.toLowerCase();
    case 'title':
      // a capital after a start, space, hyphen or apostrophe: "Jean-Luc O'Brien"
      return value.toLowerCase().replace(/(^|[\s\-'’])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
  }
}

const DATE_FORMATS: { pattern: RegExp; order: ['year' | 'month' | 'day', 'year' | 'month' | 'day', 'year' | 'month' | 'day'] }[] = [
  { pattern: /^(\d{4})-(\d{2})-(\d{2})$/, order: ['year', 'month', 'day'] },
  { pattern: /^(\d{4})(\d{2})(\d{2})$/, order: ['year', 'month', 'day'] },
  { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: ['day', 'month', 'year'] },
  { pattern: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, order: ['day', 'month', 'year'] },
];

/** YYYY-MM-DD from YYYY-MM-DD, YYYYMMDD, DD/MM/YYYY or DD.MM.YYYY; a date that does not exist is dropped. */
export function normaliseBirthDate(value: string | undefined): string | undefined {
  const cleaned = cleanText(value, false);
  if (cleaned === undefined) return undefined;
  for (const { pattern, order } of DATE_FORMATS) {
    const found = pattern.exec(cleaned);
    if (!found) continue;
    const parts = { year: 0, month: 0, day: 0 };
    order.forEach((part, index) => (parts[part] = Number(found[index + 1])));
    return isRealDate(parts.year, parts.month, parts.day)
      ? `${String(parts.year).padStart(4, '0')}-${pad2(parts.month)}-${pad2(parts.day)}`
      : undefined;
  }
  return undefined;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** E.164, reading a number without an international prefix as one of `country`. */
export function normalisePhone(value: string | undefined, country: string | undefined): string | undefined {
  const cleaned = cleanText(value, false);
  if (cleaned === undefined) return undefined;
  const phone = parsePhoneNumberFromString(cleaned, country?.toUpperCase() as CountryCode | undefined);
  return phone?.isPossible() ? phone.number : undefined;
}

/** ISO 3166-1 alpha-2 from a code or an English country name ("France", "united kingdom", "UK"). */
export function normaliseCountry(value: string | undefined): string | undefined {
  const cleaned = cleanText(value, true);
  if (cleaned === undefined) return undefined;
  const byName = countryCodesByName().get(cleaned.toLowerCase());
  if (byName) return byName;
  const upper = cleaned.toUpperCase();
  return /^[A-Z]{2}$/.test(upper) ? upper : undefined;
}

let countryNames: Map<string, string> | undefined;

/** English country names as the runtime's ICU data spells them, keyed lower case. */
function countryCodesByName(): Map<string, string> {
  if (countryNames) return countryNames;
  const displayNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  countryNames = new Map();
  // libphonenumber's list holds current codes only (no reserved UK, no former DD)
  for (const code of getCountries()) {
    const name = displayNames.of(code);
    if (name) countryNames.set(removeAccents(name).toLowerCase(), code);
  }
  for (const [alias, code] of Object.entries(COUNTRY_ALIASES)) countryNames.set(alias, code);
  return countryNames;
}

/** Common names the ICU display names do not give. */
const COUNTRY_ALIASES: Record<string, string> = {
  uk: 'GB',
  'great britain': 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  usa: 'US',
  'united states of america': 'US',
  america: 'US',
  holland: 'NL',
  deutschland: 'DE',
  espana: 'ES',
  italia: 'IT',
  schweiz: 'CH',
  suisse: 'CH',
};

function withoutMissing(record: CustomerRecord): CustomerRecord {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as CustomerRecord;
}
