import { createHash } from 'node:crypto';
import { mergeAuditChecks } from '../audits/merge-checks';
import { canonicalJson, isJsonObject, jsonEqual } from '../json';
import { parseJsonPointer, toJsonPointer, valueAtPointer } from './json-pointer';
import type { RuleFileError } from './rule-file-error';
import type { GlobalRuleFile, SiteRuleFile, SiteRules } from './types';

export type { RuleFileError } from './rule-file-error';

/** The site's rules in force: the site file deep-merged over the global file (objects merge,
 * arrays and scalars replace; audit checks merge by id). Editor hints ($schema) and global-only keys (company, locks, administration) are left out. */
export function mergeSiteRules(global: GlobalRuleFile, site: SiteRuleFile): SiteRules {
  const { company: _company, locks: _locks, administration: _administration, ...globalRules } = withoutSchemaHint(global);
  const merged = deepMerge(globalRules, withoutSchemaHint(site)) as unknown as SiteRules;
  return { ...merged, audits: { ...merged.audits, checks: mergeAuditChecks(global.audits.checks, site.audits?.checks) } };
}

/** The version of a site's rules: sha256 (hex) of their canonical JSON. */
export function rulesVersion(rules: SiteRules): string {
  return createHash('sha256').update(canonicalJson(rules)).digest('hex');
}

/** Every place where the site file changes a value the global file locks (the locked pointer itself
 * or anything under it), reported at the innermost differing pointer. */
export function findLockViolations(
  global: GlobalRuleFile,
  site: SiteRuleFile,
  siteFile = `sites/${site.site.id}.json`,
): RuleFileError[] {
  const merged = mergeSiteRules(global, site);
  const errors: RuleFileError[] = [];
  for (const lock of global.locks) {
    const tokens = parseJsonPointer(lock);
    const lockedValue = valueAtPointer(global, tokens);
    const differences = differingPointers(lockedValue, valueAtPointer(merged, tokens), tokens);
    for (const pointer of differences) {
      const globalValue = valueAtPointer(global, parseJsonPointer(pointer));
      const remedy = globalValue === undefined ? 'remove it from the site file' : `remove it from the site file or set ${canonicalJson(globalValue)}`;
      errors.push({ file: siteFile, pointer, reason: `locked by global.json (lock "${lock}"): a site may not change it; ${remedy}` });
    }
  }
  return errors;
}

function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const baseValue = base[key];
    merged[key] = isJsonObject(baseValue) && isJsonObject(value) ? deepMerge(baseValue, value) : value;
  }
  return merged;
}

function withoutSchemaHint<T extends object>(file: T): Omit<T, '$schema'> {
  const { $schema: _schema, ...rest } = file as T & { $schema?: unknown };
  return rest;
}

/** Pointers where two values differ: object members are compared one by one, anything else whole. */
function differingPointers(expected: unknown, actual: unknown, at: readonly string[]): string[] {
  if (jsonEqual(expected, actual)) return [];
  if (!isJsonObject(expected) || !isJsonObject(actual)) return [toJsonPointer(at)];
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...keys].flatMap((key) => differingPointers(expected[key], actual[key], [...at, key]));
}
