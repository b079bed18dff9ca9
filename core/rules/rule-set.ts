import { mergeSiteRules, rulesVersion } from './merge';
import { parseRuleFile } from './parse-rule-file';
import type { RuleFileError } from './rule-file-error';
import { schemaErrors } from './schemas';
import type { GlobalRuleFile, SiteRuleFile, VersionedSiteRules } from './types';
import { validateGlobalRuleFile, validateSiteRuleFile } from './validate';

/** A rule file's name relative to the rules directory (global.json, sites/<site>.json) and text. */
export interface RuleFileText {
  file: string;
  text: string;
}

export type RuleSet = { ok: true; sites: Map<string, VersionedSiteRules> } | { ok: false; errors: RuleFileError[] };

/** Parses, validates and merges the global file and every site file. All or nothing: any error in
 * any file makes the whole set invalid, so rules are never half-loaded. */
export function buildRuleSet(globalFile: RuleFileText, siteFiles: readonly RuleFileText[]): RuleSet {
  const globalParsed = parseRuleFile(globalFile.file, globalFile.text);
  const globalErrors = globalParsed.ok ? validateGlobalRuleFile(globalParsed.document, globalFile.file) : [globalParsed.error];
  const global = globalParsed.ok && globalErrors.length === 0 ? (globalParsed.document as GlobalRuleFile) : undefined;

  const errors = [...globalErrors];
  const sites = new Map<string, VersionedSiteRules>();
  for (const { file, text } of siteFiles) {
    const parsed = parseRuleFile(file, text);
    if (!parsed.ok) {
      errors.push(parsed.error);
      continue;
    }
    // without a valid global file, a site file can still be checked against its own schema
    const siteErrors = global ? validateSiteRuleFile(parsed.document, file, global) : schemaErrors('site', parsed.document, file);
    errors.push(...siteErrors);
    if (global && siteErrors.length === 0) {
      const site = parsed.document as SiteRuleFile;
      const rules = mergeSiteRules(global, site);
      sites.set(site.site.id, { rules, version: rulesVersion(rules) });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, sites };
}
