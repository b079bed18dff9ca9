import fs from 'node:fs';
import path from 'node:path';
import type { GlobalRuleFile, SiteRuleFile } from '../../core/rules/types';

export const RULES_DIRECTORY = path.join(__dirname, '..', '..', 'rules');
export const RULE_FIXTURES_DIRECTORY = path.join(__dirname, '..', 'fixtures', 'rules');

export function readJson<T = unknown>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** A fresh copy of rules/global.json, safe to change in a test. */
export function globalRuleFile(): GlobalRuleFile {
  return readJson<GlobalRuleFile>(path.join(RULES_DIRECTORY, 'global.json'));
}

/** A fresh copy of a demo site file, e.g. "fr-paris-hq". */
export function demoSiteRuleFile(siteId: string): SiteRuleFile {
  return readJson<SiteRuleFile>(path.join(RULES_DIRECTORY, 'sites', `${siteId}.json`));
}
