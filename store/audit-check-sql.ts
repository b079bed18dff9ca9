import { getCountries, getCountryCallingCode } from 'libphonenumber-js';
import type { AuditCheck } from '../core/audits/types';
import { isCustomerField, type CustomerField } from '../core/customer';
import { postcodePatternsByCountry } from '../core/records/postcodes';
import { EMAIL } from '../core/records/validate';
import type { SiteRules } from '../core/rules/types';
import { joinSql, rawSql, sql, type SqlFragment } from './sql-fragment';

/** A check as two SQL expressions over one source record `sr` (with `sr.open_duplicate_review`):
 * whether the row counts for the check, and why it fails (NULL when it passes). Reasons name
 * fields and rules, never values, so they can be stored and shown. */
export interface CheckSql {
  checkId: string;
  applies: SqlFragment;
  reason: SqlFragment;
}

/** What a run's checks read besides the record: fixed when the run begins. */
export interface CheckContext {
  /** the run's start: ages and freshness are measured from it on every page */
  asOf: Date;
  fields: SiteRules['fields'];
  defaultCountry: string;
}

const E164 = '^\\+[1-9][0-9]{6,14}$';
const ISO_DATE = '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';

export function checkSql(check: AuditCheck, context: CheckContext): CheckSql {
  const build = BUILDERS[check.type];
  return { checkId: check.id, ...build(check, context) };
}

type Builder = (check: AuditCheck, context: CheckContext) => Omit<CheckSql, 'checkId'>;

const BUILDERS: Record<AuditCheck['type'], Builder> = {
  completeness: (check) => ({ applies: rawSql('true'), reason: missingFields(check.fields ?? []) }),

  validity: (check, context) => {
    const fields = check.fields ?? [];
    return {
      applies: fields.length === 0 ? rawSql('false') : joinSql(fields.map((field) => sql`${value(field)} IS NOT NULL`), ' OR '),
      reason: joinedReasons(fields.map((field) => validityReason(field, context))),
    };
  },

  consistency: (check) => (check.rule === 'postcodeCity' ? postcodeCity(check.reference ?? {}) : phoneCountry()),

  // open duplicate candidates: a record waiting for its review, or with a review task still open
  uniqueness: () => ({
    applies: rawSql('true'),
    reason: rawSql(`CASE WHEN sr.status = 'pending_review' OR sr.open_duplicate_review THEN 'an open duplicate review' END`),
  }),

  freshness: (check, context) => ({
    applies: rawSql('true'),
    reason: sql`CASE WHEN sr.updated_at < ${context.asOf}::timestamptz - ${check.maxAge}::interval THEN ${`not updated for ${check.maxAge}`}::text END`,
  }),

  conformity: (_check, context) => ({
    applies: rawSql('true'),
    reason: joinedReasons([
      missingFields(context.fields.required),
      ...Object.entries(context.fields.patterns)
        .filter(([field]) => isCustomerField(field))
        .map(([field, pattern]) => sql`CASE WHEN ${value(field as CustomerField)} !~ ${pattern!.regex}::text THEN ${`${field}: does not match the site's pattern`}::text END`),
    ]),
  }),
};

/** The trimmed value of a field of the normalised record, NULL when absent or blank. */
function value(field: CustomerField): SqlFragment {
  if (!isCustomerField(field)) throw new Error(`unknown customer field ${field}`);
  return rawSql(`nullif(btrim(sr.record->>'${field}'), '')`);
}

function missingFields(fields: readonly CustomerField[]): SqlFragment {
  if (fields.length === 0) return rawSql('NULL::text');
  const missing = joinSql(fields.map((field) => sql`CASE WHEN ${value(field)} IS NULL THEN ${field}::text END`), ', ');
  return sql`'missing: ' || nullif(concat_ws(', ', ${missing}), '')`;
}

/** Every reason of a row, joined; NULL when there is none. */
function joinedReasons(reasons: readonly SqlFragment[]): SqlFragment {
  if (reasons.length === 0) return rawSql('NULL::text');
  return sql`nullif(concat_ws('; ', ${joinSql(reasons, ', ')}), '')`;
}

function validityReason(field: CustomerField, context: CheckContext): SqlFragment {
  const v = value(field);
  switch (field) {
    case 'email':
      return sql`CASE WHEN ${v} !~ ${EMAIL.source}::text THEN 'email: not a well-formed address' END`;
    case 'phone':
      return sql`CASE WHEN ${v} !~ ${E164}::text THEN 'phone: not in E.164 form' END`;
    case 'postcode': {
      // a postcode is read in the record's country, else the site's default; unknown formats pass
      const pattern = sql`(${JSON.stringify(postcodePatternsByCountry())}::jsonb ->> coalesce(${value('country')}, ${context.defaultCountry}::text))`;
      return sql`CASE WHEN ${pattern} IS NOT NULL AND ${v} !~ ${pattern} THEN 'postcode: not the format of its country' END`;
    }
    case 'birthDate': {
      const { minAgeYears, maxAgeYears } = context.fields.birthDate;
      // CASE evaluates in order: the date is only read once its text is a real date
      const lastDayOfMonth = sql`extract(day from make_date(substr(${v}, 1, 4)::int, substr(${v}, 6, 2)::int, 1) + interval '1 month - 1 day')`;
      const age = sql`extract(year from age(${context.asOf}::timestamptz::date, ${v}::date))`;
      return sql`CASE WHEN ${v} IS NULL THEN NULL
        WHEN ${v} !~ ${ISO_DATE}::text OR substr(${v}, 9, 2)::int > ${lastDayOfMonth} THEN 'birthDate: not a real date'
        WHEN ${age} NOT BETWEEN ${minAgeYears}::int AND ${maxAgeYears}::int THEN 'birthDate: not a plausible age' END`;
    }
    default:
      throw new Error(`no validity format for ${field}`);
  }
}

/** The phone's calling code against the record's country (libphonenumber's table). */
function phoneCountry(): Omit<CheckSql, 'checkId'> {
  const code = sql`(${JSON.stringify(callingCodes())}::jsonb ->> ${value('country')})`;
  const [phone] = [value('phone')];
  return {
    applies: sql`${phone} IS NOT NULL AND ${code} IS NOT NULL`,
    reason: sql`CASE WHEN left(${phone}, length(${code}) + 1) <> '+' || ${code} THEN 'phone: calling code is not the one of the record''s country' END`,
  };
}

/** Rows whose postcode the reference data knows: the city must be that postcode's (case and
 * accents aside). */
function postcodeCity(reference: Record<string, string>): Omit<CheckSql, 'checkId'> {
  const expected = sql`(${JSON.stringify(reference)}::jsonb ->> ${value('postcode')})`;
  const city = value('city');
  return {
    applies: sql`${expected} IS NOT NULL`,
    reason: sql`CASE WHEN ${city} IS NULL THEN 'city: missing for a known postcode'
      WHEN lower(unaccent(${city})) <> lower(unaccent(${expected})) THEN 'city: not the city of the postcode' END`,
  };
}

let callingCodeTable: Record<string, string> | undefined;
function callingCodes(): Record<string, string> {
  callingCodeTable ??= Object.fromEntries(getCountries().map((country) => [country, getCountryCallingCode(country)]));
  return callingCodeTable;
}
