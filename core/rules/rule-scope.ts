import { createHash } from 'node:crypto';
import { canonicalJson } from '../json';
import { buildRuleSet, type RuleSet } from './rule-set';

/** A rule file is published per scope: 'global' (rules/global.json) or a site id (rules/sites/<id>.json). */
export const GLOBAL_SCOPE = 'global';

const SITE_ID = /^[a-z0-9][a-z0-9-]*$/;

export function isRuleScope(text: string): boolean {
  return text === GLOBAL_SCOPE || SITE_ID.test(text);
}

/** The file a scope is kept in, relative to the rules directory; errors name it. */
export function ruleFileOfScope(scope: string): string {
  return scope === GLOBAL_SCOPE ? 'global.json' : `sites/${scope}.json`;
}

/** The scope of a file name relative to the rules directory, e.g. sites/fr-paris-hq.json. */
export function scopeOfRuleFile(file: string): string {
  return file === 'global.json' ? GLOBAL_SCOPE : file.replace(/^sites\//, '').replace(/\.json$/, '');
}

/** The file text an admin's content is kept and exported as: two-space JSON in their key order. */
export function ruleFileText(content: unknown): string {
  return `${JSON.stringify(content, null, 2)}\n`;
}

/** sha256 (hex) of the canonical JSON of a rule file's content: equal content, equal hash. */
export function ruleFileHash(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** The merged, validated rules of every site from one file text per scope (all or nothing). */
export function buildScopedRuleSet(fileTexts: ReadonlyMap<string, string>): RuleSet {
  const globalText = fileTexts.get(GLOBAL_SCOPE);
  if (globalText === undefined) return { ok: false, errors: [{ file: 'global.json', pointer: '', reason: 'no global rules: publish a global.json first' }] };
  const siteFiles = [...fileTexts.keys()]
    .filter((scope) => scope !== GLOBAL_SCOPE)
    .sort()
    .map((scope) => ({ file: ruleFileOfScope(scope), text: fileTexts.get(scope)! }));
  return buildRuleSet({ file: ruleFileOfScope(GLOBAL_SCOPE), text: globalText }, siteFiles);
}
