import { workingDurationProblem } from '../calendar';
import { isCountryCode } from '../countries';
import { MATCH_KEY_COLUMNS } from '../matching/keys';
import { parseJsonPointer, valueAtPointer } from './json-pointer';
import { findLockViolations, mergeSiteRules } from './merge';
import type { RuleFileError } from './rule-file-error';
import { nominalMilliseconds, parseIsoDuration } from './duration';
import { schemaErrors } from './schemas';
import type { GlobalRuleFile, SiteRuleFile, SiteRules } from './types';
import { globalAuditErrors, siteAuditErrors } from './validate-audits';
import { reviewConsistencyErrors, reviewValueErrors } from './validate-review';
import { auditReportSettingErrors, auditReportTemplateErrors, missingAuditReportErrors } from './validate-audit-report';
import { globalRetentionErrors, siteRetentionErrors } from './validate-retention';
import { erasureMailTemplateErrors } from './validate-erasure-mails';

/** Everything wrong with rules/global.json: schema errors first; the semantic checks run only on a
 * file that fits the schema, so they can trust its shape. */
export function validateGlobalRuleFile(document: unknown, file = 'global.json'): RuleFileError[] {
  const errors = schemaErrors('global', document, file);
  if (errors.length > 0) return errors;
  const global = document as GlobalRuleFile;
  return [
    ...lockTargetErrors(global, file),
    ...ruleValueErrors(global, file),
    ...reviewValueErrors(global, file),
    ...consistencyErrors(global, file),
    ...reviewConsistencyErrors(global, file),
    ...globalAuditErrors(global, file),
    ...missingAuditReportErrors(global, file),
    ...auditReportTemplateErrors(global, file),
    ...globalRetentionErrors(global, file),
    ...erasureMailTemplateErrors(global, file),
    ...auditReportSettingErrors(global, file),
  ];
}

/** Everything wrong with a site file (e.g. "sites/fr-paris-hq.json"), read against a valid global file. */
export function validateSiteRuleFile(document: unknown, file: string, global: GlobalRuleFile): RuleFileError[] {
  const errors = schemaErrors('site', document, file);
  if (errors.length > 0) return errors;
  const site = document as SiteRuleFile;
  const merged = mergeSiteRules(global, site);
  return [
    ...siteIdentityErrors(site, file),
    ...ruleValueErrors(site, file),
    ...reviewValueErrors(site, file),
    ...findLockViolations(global, site, file),
    ...consistencyErrors(merged, file),
    ...reviewConsistencyErrors(merged, file),
    ...stewardErrors(merged, file),
    ...siteAuditErrors(site, global, file),
    ...auditReportTemplateErrors(site, file),
    ...siteRetentionErrors(site, merged.retention, global, file),
    ...erasureMailTemplateErrors(site, file),
    ...auditReportSettingErrors(site, file),
  ];
}

type RuleValues = Pick<SiteRuleFile, 'fields' | 'normalisation' | 'sla'>;

/** Checks of single values the schema cannot make: regexes compile, countries exist, durations parse. */
function ruleValueErrors(rules: RuleValues, file: string): RuleFileError[] {
  const errors: RuleFileError[] = [];
  for (const [field, pattern] of Object.entries(rules.fields?.patterns ?? {})) {
    if (pattern?.regex === undefined) continue;
    try {
      new RegExp(pattern.regex, 'u');
    } catch (error) {
      errors.push({ file, pointer: `/fields/patterns/${field}/regex`, reason: `not a valid regular expression: ${(error as Error).message}` });
    }
  }
  for (const key of ['defaultPhoneCountry', 'defaultCountry'] as const) {
    const country = rules.normalisation?.[key];
    if (country !== undefined && !isCountryCode(country)) {
      errors.push({ file, pointer: `/normalisation/${key}`, reason: `unknown country code "${country}": use an ISO 3166-1 alpha-2 code such as FR` });
    }
  }
  for (const [key, duration] of Object.entries(rules.sla ?? {})) {
    const problem = duration === undefined ? undefined : workingDurationProblem(duration);
    if (problem) errors.push({ file, pointer: `/sla/${key}`, reason: problem });
  }
  return errors;
}

/** Checks across values of complete rules (the global file, or a site's merged rules). */
function consistencyErrors(rules: Omit<SiteRules, 'site'>, file: string): RuleFileError[] {
  const errors: RuleFileError[] = [];
  const { autoLink, review } = rules.matching.thresholds;
  if (review > autoLink) {
    errors.push({ file, pointer: '/matching/thresholds/review', reason: `review threshold ${review} is above the autoLink threshold ${autoLink}: review must be at most autoLink` });
  }
  const { minAgeYears, maxAgeYears } = rules.fields.birthDate;
  if (minAgeYears >= maxAgeYears) {
    errors.push({ file, pointer: '/fields/birthDate/minAgeYears', reason: `minAgeYears ${minAgeYears} must be below maxAgeYears ${maxAgeYears}` });
  }
  rules.matching.comparisons.forEach(({ field, termFrequency }, index) => {
    if (termFrequency && !MATCH_KEY_COLUMNS[field]) {
      errors.push({ file, pointer: `/matching/comparisons/${index}/termFrequency`, reason: `field "${field}" has no match key to count its values by: term frequencies are for ${Object.keys(MATCH_KEY_COLUMNS).join(', ')}` });
    }
  });
  const order = ['reviewRemindAfter', 'reviewEscalateAfter', 'reviewExpireAfter'] as const;
  const lengths = order.map((key) => parseIsoDuration(rules.sla[key]));
  for (let index = 1; index < order.length; index++) {
    const [before, after] = [lengths[index - 1], lengths[index]];
    if (before && after && nominalMilliseconds(before) > nominalMilliseconds(after)) {
      errors.push({ file, pointer: `/sla/${order[index]}`, reason: `must not be shorter than ${order[index - 1]} (${rules.sla[order[index - 1]]})` });
    }
  }
  return errors;
}

function lockTargetErrors(global: GlobalRuleFile, file: string): RuleFileError[] {
  return global.locks.flatMap((lock, index) =>
    valueAtPointer(global, parseJsonPointer(lock)) === undefined
      ? [{ file, pointer: `/locks/${index}`, reason: `lock "${lock}" points at nothing in global.json: point it at a rule the global file sets` }]
      : [],
  );
}

function siteIdentityErrors(site: SiteRuleFile, file: string): RuleFileError[] {
  const errors: RuleFileError[] = [];
  const fileId = file.replace(/^.*\//, '').replace(/\.json$/, '');
  if (site.site.id !== fileId) {
    errors.push({ file, pointer: '/site/id', reason: `site id "${site.site.id}" differs from the file name: rename the file to ${site.site.id}.json or set the id to "${fileId}"` });
  }
  if (!isCountryCode(site.site.country)) {
    errors.push({ file, pointer: '/site/country', reason: `unknown country code "${site.site.country}": use an ISO 3166-1 alpha-2 code such as FR` });
  }
  if (!isTimeZone(site.site.timeZone)) {
    errors.push({ file, pointer: '/site/timeZone', reason: `unknown time zone "${site.site.timeZone}": use an IANA name such as Europe/Paris` });
  }
  return errors;
}

function stewardErrors(rules: SiteRules, file: string): RuleFileError[] {
  return rules.stewardship.stewards.length === 0
    ? [{ file, pointer: '/stewardship/stewards', reason: 'no steward: list at least one steward email in the site or global file' }]
    : [];
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
