import fs from 'node:fs';
import path from 'node:path';
import { RulesError, type RuleFileError } from '../core/rules/rule-file-error';
import { buildRuleSet, type RuleFileText, type RuleSet } from '../core/rules/rule-set';
import type { SiteRulesSource } from '../core/rules/types';

/** Reading a rules directory (global.json, sites/*.json): the seed of the published rules on a
 * first start, and what `npm run rules -- validate` checks offline. The running platform reads
 * its rules from the database (runtime/published-rules.ts), not from these files. */

export function readRuleSet(directory: string): RuleSet {
  const globalFile = readRuleFile(directory, 'global.json');
  if (!globalFile.ok) return { ok: false, errors: [globalFile.error] };
  const siteFiles: RuleFileText[] = [];
  const errors: RuleFileError[] = [];
  for (const file of siteFileNames(directory)) {
    const siteFile = readRuleFile(directory, file);
    if (siteFile.ok) siteFiles.push(siteFile.file);
    else errors.push(siteFile.error);
  }
  const ruleSet = buildRuleSet(globalFile.file, siteFiles);
  if (errors.length === 0) return ruleSet;
  return { ok: false, errors: [...errors, ...(ruleSet.ok ? [] : ruleSet.errors)] };
}

/** The rules of a directory as they stand, without a database: for benchmarks and tests of
 * activities run in-process. Throws a RulesError listing every problem when they do not validate. */
export function rulesFromFiles(directory: string): SiteRulesSource {
  const ruleSet = readRuleSet(directory);
  if (!ruleSet.ok) throw new RulesError(ruleSet.errors);
  const { sites } = ruleSet;
  return { forSite: (siteId) => sites.get(siteId), siteIds: () => [...sites.keys()].sort() };
}

/** Site files relative to the rules directory, e.g. sites/fr-paris-hq.json, in name order. */
export function siteFileNames(directory: string): string[] {
  const sitesDirectory = path.join(directory, 'sites');
  if (!fs.existsSync(sitesDirectory)) return [];
  return fs
    .readdirSync(sitesDirectory)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => `sites/${name}`);
}

type ReadRuleFile = { ok: true; file: RuleFileText } | { ok: false; error: RuleFileError };

export function readRuleFile(directory: string, file: string): ReadRuleFile {
  try {
    return { ok: true, file: { file, text: fs.readFileSync(path.join(directory, file), 'utf8') } };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : `cannot read the file: ${code ?? (error as Error).message}`;
    return { ok: false, error: { file, pointer: '', reason } };
  }
}
