import { getCountries, getCountryCallingCode } from 'libphonenumber-js';
import type { AuditCheck } from '../core/audits/types';
import { isCustomerField, type CustomerField } from '../core/customer';
import { postcodePatternsByCountry } from '../core/records/postcodes';
import { EMAIL } from '../core/records/validate';
import type { SiteRules } from '../core/rules/types';
import { joinSql, rawSql, sql, type SqlFragment } from './sql-fragment';

/** A check as two SQL expressions over one source record `sr` (its fields as columns, its status,
 * updated_at and open_duplicate_review):
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

/** E.164: a + and 7 to 15 digits, the first not 0 (the length is checked apart: PostgreSQL runs
 * bounded repetitions slowly). */
const E164_DIGITS = '^\\+[1-9][0-9]*$';
/** The email format with labels of any length (see validityReason). */
const EMAIL_ANY_LABEL_LENGTH = EMAIL.source.replaceAll('{0,61}', '*');
/** YYYY-MM-DD in digits; month and day ranges are checked as numbers. */
const ISO_DATE = '^[1-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$';

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

  // the site's patterns run as PostgreSQL regular expressions: the simple anchored patterns rule
  // files hold read alike in both dialects
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

/** The trimmed value of a field of the normalised record, NULL when absent or blank: the page
 * reads every field out of the record once, as a column of that name. */
function value(field: CustomerField): SqlFragment {
  if (!isCustomerField(field)) throw new Error(`unknown customer field ${field}`);
  return rawSql(`sr."${field}"`);
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
      // PostgreSQL expands {0,61} into a large automaton; with a domain of at most 63 characters no
      // label can be longer, so the regex without that bound decides alone, and fast
      return sql`CASE WHEN ${v} !~ ${EMAIL_ANY_LABEL_LENGTH}::text OR (length(split_part(${v}, '@', 2)) > 63 AND ${v} !~ ${EMAIL.source}::text)
        THEN 'email: not a well-formed address' END`;
    case 'phone':
      return sql`CASE WHEN length(${v}) NOT BETWEEN 8 AND 16 OR ${v} !~ ${E164_DIGITS}::text THEN 'phone: not in E.164 form' END`;
    case 'postcode': {
      // a postcode is read in the record's country, else the site's default; unknown formats pass
      const pattern = sql`(${JSON.stringify(postcodePatternsByCountry())}::jsonb ->> coalesce(${value('country')}, ${context.defaultCountry}::text))`;
      return sql`CASE WHEN ${pattern} IS NOT NULL AND ${v} !~ ${pattern} THEN 'postcode: not the format of its country' END`;
    }
    case 'birthDate': {
      const { minAgeYears, maxAgeYears } = context.fields.birthDate;
      const [year, month, day] = [sql`substr(${v}, 1, 4)::int`, sql`substr(${v}, 6, 2)::int`, sql`substr(${v}, 9, 2)::int`];
      const leapYear = sql`(${year} % 4 = 0 AND (${year} % 100 <> 0 OR ${year} % 400 = 0))`;
      const daysInMonth = sql`((ARRAY[31,28,31,30,31,30,31,31,30,31,30,31])[${month}] + CASE WHEN ${month} = 2 AND ${leapYear} THEN 1 ELSE 0 END)`;
      // an age from minAgeYears to maxAgeYears on the run's day: born on or before the day minAgeYears
      // earlier, and after the day maxAgeYears + 1 earlier (computed once per statement)
      const bornBy = (years: number) => sql`(SELECT (${context.asOf}::timestamptz::date - make_interval(years => ${years}::int))::date)`;
      // CASE evaluates in order: the text is only read as a date once it is a real date
      return sql`CASE WHEN ${v} IS NULL THEN NULL
        WHEN ${v} !~ ${ISO_DATE}::text OR ${month} NOT BETWEEN 1 AND 12 OR ${day} NOT BETWEEN 1 AND ${daysInMonth} THEN 'birthDate: not a real date'
        WHEN ${v}::date > ${bornBy(minAgeYears)} OR ${v}::date <= ${bornBy(maxAgeYears + 1)} THEN 'birthDate: not a plausible age' END`;
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
    reason: sql`CASE WHEN ${city} IS NULL THEN 'city: missing for a known postcode' WHEN ${city} = ${expected} THEN NULL
      WHEN lower(unaccent(${city})) <> lower(unaccent(${expected})) THEN 'city: not the city of the postcode' END`,
  };
}

let callingCodeTable: Record<string, string> | undefined;
function callingCodes(): Record<string, string> {
  callingCodeTable ??= Object.fromEntries(getCountries().map((country) => [country, getCountryCallingCode(country)]));
  return callingCodeTable;
}
