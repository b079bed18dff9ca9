import { RulesError, type RuleFileError } from '../core/rules/rule-file-error';
import { buildScopedRuleSet, ruleFileHash, scopeOfRuleFile } from '../core/rules/rule-scope';
import type { SiteRulesSource, VersionedSiteRules } from '../core/rules/types';
import { insertPublication, latestPublications, lockPublications, newestPublicationId } from '../store/rule-publications';
import { rememberRuleVersion } from '../store/rule-versions';
import type { Db } from './db';
import { readRuleSet, readRuleFile, siteFileNames } from './rule-files';

/** Seeds' author: the files in rules/ are the starting point of every scope. */
export const RULE_FILES_AUTHOR = 'rules-files';

export interface RulesRefresh {
  /** a newer publication was found and is now in force */
  changed: boolean;
  /** what kept a newer publication from coming into force; the last valid rules stay */
  errors: RuleFileError[];
}

export interface RulesPolling {
  close(): void;
}

/** The rules in force: the newest published version of the global file and of every site file,
 * validated and merged as a whole. A set that does not validate never replaces the one in force.
 *
 * Every api and worker process holds one and polls the database for a newer publication (one
 * indexed max(id) per poll, every RULES_POLL_MS, 1 s by default). Polling rather than LISTEN/NOTIFY:
 * it needs no dedicated connection outside the knex pool, survives a database restart or a
 * failover without re-subscribing, and a missed notification cannot leave a process on old rules
 * for ever. Activities read forSite() when they decide, so a decision uses the version in force at
 * that moment and records its hash. */
export class PublishedRules implements SiteRulesSource {
  private sites = new Map<string, VersionedSiteRules>();
  /** the newest publication id read, valid or not, so an invalid one is reported once */
  private readPublicationId = 0;
  private refreshing: Promise<RulesRefresh> | undefined;

  private constructor(private readonly db: Db) {}

  /** Seeds every scope from the rule files when nothing is published yet, then loads; throws a
   * RulesError when no valid rule set can be put in force. */
  static async load(db: Db, seedDirectory: string): Promise<PublishedRules> {
    await seedFromRuleFiles(db, seedDirectory);
    const rules = new PublishedRules(db);
    const refresh = await rules.refresh();
    if (refresh.errors.length > 0) throw new RulesError(refresh.errors);
    return rules;
  }

  /** Reads the newest publications when there is any newer than the last read. */
  refresh(): Promise<RulesRefresh> {
    // one read at a time: a slow poll and an explicit refresh would otherwise race
    this.refreshing ??= this.readNewest().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Polls for newer publications and tells onChange what it found; a failed poll (database
   * away) goes to onError and the rules in force stay. */
  poll(intervalMs: number, onChange: (refresh: RulesRefresh) => void, onError: (error: unknown) => void): RulesPolling {
    const timer = setInterval(() => {
      this.refresh().then((refresh) => {
        if (refresh.changed || refresh.errors.length > 0) onChange(refresh);
      }, onError);
    }, intervalMs);
    timer.unref();
    return { close: () => clearInterval(timer) };
  }

  forSite(siteId: string): VersionedSiteRules | undefined {
    return this.sites.get(siteId);
  }

  siteIds(): string[] {
    return [...this.sites.keys()].sort();
  }

  private async readNewest(): Promise<RulesRefresh> {
    const newestId = await newestPublicationId(this.db);
    if (newestId === this.readPublicationId) return { changed: false, errors: [] };
    const publications = await latestPublications(this.db);
    if (publications.length === 0) return { changed: false, errors: [{ file: 'global.json', pointer: '', reason: 'no rules are published' }] };
    const ruleSet = buildScopedRuleSet(new Map(publications.map((publication) => [publication.scope, publication.fileText])));
    const readId = Math.max(...publications.map((publication) => publication.id));
    if (!ruleSet.ok) {
      // an invalid set is reported once, not at every poll
      this.readPublicationId = readId;
      return { changed: false, errors: ruleSet.errors };
    }
    // stored before they come into force: every hash a decision records can be looked up
    for (const [siteId, versioned] of ruleSet.sites) await rememberRuleVersion(this.db, siteId, versioned);
    this.sites = ruleSet.sites;
    // only now: should storing a version fail, the next poll reads this set again
    this.readPublicationId = readId;
    return { changed: true, errors: [] };
  }
}

/** On a first start (no publication at all), publishes the rule files of the directory as version
 * 1 of each scope, all or none; afterwards the database is the source of truth and the files are
 * not read. The files must validate as a whole. Several processes may start at once: they take
 * turns with the publishers, and the first one seeds. */
export async function seedFromRuleFiles(db: Db, directory: string): Promise<void> {
  if ((await newestPublicationId(db)) > 0) return;
  const ruleSet = readRuleSet(directory);
  if (!ruleSet.ok) throw new RulesError(ruleSet.errors);
  await db.transaction(async (trx) => {
    await lockPublications(trx);
    if ((await newestPublicationId(trx)) > 0) return;
    for (const file of ['global.json', ...siteFileNames(directory)]) {
      const read = readRuleFile(directory, file);
      if (!read.ok) throw new RulesError([read.error]);
      const content: unknown = JSON.parse(read.file.text);
      await insertPublication(trx, {
        scope: scopeOfRuleFile(file),
        version: 1,
        content,
        fileText: read.file.text,
        contentHash: ruleFileHash(content),
        author: RULE_FILES_AUTHOR,
        comment: `initial import from rules/${file}`,
      });
    }
  });
}
