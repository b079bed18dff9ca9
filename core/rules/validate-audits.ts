import { severityRank } from '../audits/merge-checks';
import type { AuditCheck, AuditCheckType, SiteAuditCheck } from '../audits/types';
import type { CustomerField } from '../customer';
import { nominalMilliseconds, parseIsoDuration } from './duration';
import type { RuleFileError } from './rule-file-error';
import type { GlobalRuleFile, SiteRuleFile } from './types';

/** The fields a validity check knows a format for. */
export const VALIDITY_FIELDS: readonly CustomerField[] = ['email', 'phone', 'postcode', 'birthDate'];

/** What a complete check of each type must carry besides id, description, threshold and severity. */
const NEEDS: Record<AuditCheckType, readonly (keyof AuditCheck)[]> = {
  completeness: ['fields'],
  validity: ['fields'],
  consistency: ['rule'],
  uniqueness: [],
  freshness: ['maxAge'],
  conformity: [],
};

/** Checks of the global file's audit checks: unique ids, each complete and sensible for its type. */
export function globalAuditErrors(global: GlobalRuleFile, file: string): RuleFileError[] {
  return [...duplicateIdErrors(global.audits.checks, file), ...global.audits.checks.flatMap((check, index) => checkErrors(check, index, file))];
}

/** Checks of a site file's audit checks against the global ones: a new check is complete, a check
 * with a global id only tightens it (pointers name the offending value in the site file). */
export function siteAuditErrors(site: SiteRuleFile, global: GlobalRuleFile, file: string): RuleFileError[] {
  const checks = site.audits?.checks ?? [];
  const globalById = new Map(global.audits.checks.map((check) => [check.id, check]));
  return [
    ...duplicateIdErrors(checks, file),
    ...checks.flatMap((check, index) => {
      const globalCheck = globalById.get(check.id);
      return globalCheck ? looseningErrors(check, globalCheck, index, file) : checkErrors(check, index, file);
    }),
  ];
}

function duplicateIdErrors(checks: readonly SiteAuditCheck[], file: string): RuleFileError[] {
  return checks.flatMap((check, index) =>
    checks.findIndex((other) => other.id === check.id) < index
      ? [{ file, pointer: `/audits/checks/${index}/id`, reason: `check id "${check.id}" is used twice: give each check its own id` }]
      : [],
  );
}

function checkErrors(check: SiteAuditCheck, index: number, file: string): RuleFileError[] {
  const at = (key: string) => `/audits/checks/${index}${key === '' ? '' : `/${key}`}`;
  const missing = (['type', 'description', 'threshold', 'severity'] as const).filter((key) => check[key] === undefined);
  if (missing.length > 0) {
    return [{ file, pointer: at(''), reason: `check "${check.id}" is not a global check, so it must be complete: add ${missing.join(', ')}` }];
  }
  const errors: RuleFileError[] = [];
  for (const key of NEEDS[check.type!]) {
    if (check[key] === undefined) errors.push({ file, pointer: at(''), reason: `a ${check.type} check needs "${key}"` });
  }
  if (check.type === 'validity') {
    (check.fields ?? []).forEach((field, fieldIndex) => {
      if (!VALIDITY_FIELDS.includes(field)) {
        errors.push({ file, pointer: at(`fields/${fieldIndex}`), reason: `no format is known for ${field}: validity checks ${VALIDITY_FIELDS.join(', ')}` });
      }
    });
  }
  if (check.type === 'consistency' && check.rule === 'postcodeCity' && Object.keys(check.reference ?? {}).length === 0) {
    errors.push({ file, pointer: at('reference'), reason: 'a postcodeCity check needs reference data: postcode -> city' });
  }
  if (check.maxAge !== undefined && parseIsoDuration(check.maxAge) === undefined) {
    errors.push({ file, pointer: at('maxAge'), reason: `"${check.maxAge}" is not an ISO 8601 duration such as P24M` });
  }
  return errors;
}

/** A site may raise a threshold or a severity, shorten maxAge and add fields or reference entries;
 * anything else would let one site report better quality than the company standard measures. */
function looseningErrors(check: SiteAuditCheck, global: AuditCheck, index: number, file: string): RuleFileError[] {
  const at = (key: string) => `/audits/checks/${index}/${key}`;
  const errors: RuleFileError[] = [];
  for (const key of ['type', 'rule', 'description'] as const) {
    if (check[key] !== undefined && check[key] !== global[key]) {
      errors.push({ file, pointer: at(key), reason: `global check "${global.id}" has ${key} ${JSON.stringify(global[key])}: a site may not change it; add a check with a new id instead` });
    }
  }
  if (check.threshold !== undefined && check.threshold < global.threshold) {
    errors.push({ file, pointer: at('threshold'), reason: `loosens the global threshold ${global.threshold}: a site may only raise it` });
  }
  if (check.severity !== undefined && severityRank(check.severity) < severityRank(global.severity)) {
    errors.push({ file, pointer: at('severity'), reason: `lowers the global severity "${global.severity}": a site may only raise it` });
  }
  if (check.maxAge !== undefined && global.maxAge !== undefined) {
    const [site, company] = [parseIsoDuration(check.maxAge), parseIsoDuration(global.maxAge)];
    if (!site) errors.push({ file, pointer: at('maxAge'), reason: `"${check.maxAge}" is not an ISO 8601 duration such as P24M` });
    else if (company && nominalMilliseconds(site) > nominalMilliseconds(company)) {
      errors.push({ file, pointer: at('maxAge'), reason: `allows older records than the global ${global.maxAge}: a site may only shorten it` });
    }
  }
  const droppedField = (global.fields ?? []).find((field) => check.fields !== undefined && !check.fields.includes(field));
  if (droppedField) errors.push({ file, pointer: at('fields'), reason: `drops ${droppedField}, which the global check reads: a site may only add fields` });
  const changedPostcode = Object.keys(global.reference ?? {}).find((postcode) => check.reference !== undefined && check.reference[postcode] !== global.reference![postcode]);
  if (changedPostcode) {
    errors.push({ file, pointer: at(`reference/${changedPostcode}`), reason: 'drops or changes a global reference entry: a site may only add postcodes' });
  }
  return errors;
}
