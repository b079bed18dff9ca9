import fs from 'node:fs';
import path from 'node:path';
import { RulesError, type RuleFileError } from '../core/rules/rule-file-error';
import { buildRuleSet, type RuleFileText, type RuleSet } from '../core/rules/rule-set';
import type { SiteRulesSource, VersionedSiteRules } from '../core/rules/types';
import type { Db } from './db';
import { rememberRuleVersion } from '../store/rule-versions';

export interface RulesReload {
  ok: boolean;
  errors: RuleFileError[];
}

export interface RulesWatcher {
  close(): void;
}

/** Waits this long after the last file event before reloading: editors write a file in bursts. */
const WATCH_DEBOUNCE_MS = 150;

/** The rule files of a directory (global.json, sites/*.json), validated and merged per site. The
 * set in force is always one that validated as a whole; a reload that finds any error keeps it. */
export class RulesRegistry implements SiteRulesSource {
  private constructor(
    readonly directory: string,
    private sites: Map<string, VersionedSiteRules>,
  ) {}

  /** Loads the directory; throws a RulesError listing every error when it is not valid. */
  static load(directory: string): RulesRegistry {
    const ruleSet = readRuleSet(directory);
    if (!ruleSet.ok) throw new RulesError(ruleSet.errors);
    return new RulesRegistry(directory, ruleSet.sites);
  }

  /** Reads the directory again; on any error the rules in force stay as they were. */
  reload(): RulesReload {
    const ruleSet = readRuleSet(this.directory);
    if (!ruleSet.ok) return { ok: false, errors: ruleSet.errors };
    this.sites = ruleSet.sites;
    return { ok: true, errors: [] };
  }

  /** Reloads when a file in the directory changes, and tells onChange the outcome. */
  watch(onChange: (reload: RulesReload) => void): RulesWatcher {
    let timer: NodeJS.Timeout | undefined;
    const scheduleReload = () => {
      clearTimeout(timer);
      timer = setTimeout(() => onChange(this.reload()), WATCH_DEBOUNCE_MS);
    };
    const watchers = [this.directory, path.join(this.directory, 'sites')]
      .filter((directory) => fs.existsSync(directory))
      .map((directory) =>
        // an unhandled watcher error would end the process; report it and keep the rules in force
        fs.watch(directory, scheduleReload).on('error', (error) =>
          onChange({ ok: false, errors: [{ file: directory, pointer: '', reason: `stopped watching for changes: ${error.message}` }] }),
        ),
      );
    return {
      close: () => {
        clearTimeout(timer);
        for (const watcher of watchers) watcher.close();
      },
    };
  }

  forSite(siteId: string): VersionedSiteRules | undefined {
    return this.sites.get(siteId);
  }

  siteIds(): string[] {
    return [...this.sites.keys()].sort();
  }
}

/** Stores every site's rules in force under their version, so decisions can refer to them. */
export async function recordRuleVersions(db: Db, registry: SiteRulesSource): Promise<void> {
  for (const siteId of registry.siteIds()) {
    const versioned = registry.forSite(siteId);
    if (versioned) await rememberRuleVersion(db, siteId, versioned);
  }
}

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
