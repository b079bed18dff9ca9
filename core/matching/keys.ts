import type { CustomerRecord } from '../customer';
import type { MatchField } from '../rules/types';
import { removeAccents } from '../normalise';

/** The match-key columns of source_records, as blocking reads them. */
export interface MatchKeys {
  given_name_key: string | null;
  family_name_key: string | null;
  name_key: string | null;
  birth_date: string | null;
  email_key: string | null;
  phone_key: string | null;
  postcode_key: string | null;
  city_key: string | null;
  street_key: string | null;
  national_id_key: string | null;
}

export type MatchKeyColumn = keyof MatchKeys;

/** Which match-key column holds each field that blocking can use. */
export const MATCH_KEY_COLUMNS: Partial<Record<MatchField, MatchKeyColumn>> = {
  givenName: 'given_name_key',
  familyName: 'family_name_key',
  fullName: 'name_key',
  birthDate: 'birth_date',
  email: 'email_key',
  phone: 'phone_key',
  postcode: 'postcode_key',
  city: 'city_key',
  street: 'street_key',
  nationalId: 'national_id_key',
};

/** A value as matching compares it: lower case, accents stripped, hyphens and slashes as spaces,
 * other punctuation removed ("O'Brien" -> "obrien", "Jean-Luc" -> "jean luc"). */
export function foldText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const folded = removeAccents(value.normalize('NFKC'))
    .toLowerCase()
    .replace(/[-‐‑–—/_]/gu, ' ')
    .replace(/[\p{P}\p{S}]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
  return folded === '' ? undefined : folded;
}

/** Every comparable field of a normalised record, in the form the comparators read. */
export type ComparableRecord = Partial<Record<MatchField, string>>;

export function comparableRecord(record: CustomerRecord): ComparableRecord {
  const givenName = foldText(record.givenName);
  const familyName = foldText(record.familyName);
  return {
    givenName,
    familyName,
    fullName: givenName && familyName ? `${givenName} ${familyName}` : (givenName ?? familyName),
    birthDate: record.birthDate,
    email: record.email?.trim().toLowerCase() || undefined,
    phone: record.phone?.replace(/[^\d+]/g, '') || undefined,
    street: foldText(record.street),
    addressLine2: foldText(record.addressLine2),
    postcode: foldText(record.postcode)?.replace(/ /g, ''),
    city: foldText(record.city),
    region: foldText(record.region),
    country: foldText(record.country),
    nationalId: foldText(record.nationalId)?.replace(/ /g, ''),
  };
}

export function matchKeys(record: CustomerRecord): MatchKeys {
  const comparable = comparableRecord(record);
  const keys = {} as MatchKeys;
  for (const [field, column] of Object.entries(MATCH_KEY_COLUMNS) as [MatchField, MatchKeyColumn][]) {
    keys[column] = comparable[field] ?? null;
  }
  return keys;
}
