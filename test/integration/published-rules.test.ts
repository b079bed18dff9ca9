import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RulesError } from '../../core/rules/rule-file-error';
import { ruleFileHash, ruleFileText } from '../../core/rules/rule-scope';
import { loadPublishedRules } from '../../runtime/platform';
import { PublishedRules, RULE_FILES_AUTHOR, type RulesRefresh } from '../../runtime/published-rules';
import { insertPublication, latestPublication } from '../../store/rule-publications';
import { demoSiteRuleFile, RULES_DIRECTORY } from '../support/rule-files';
import { createTestDatabase, type TestDatabase } from '../support/servers';

const PARIS = 'fr-paris-hq';

/** A private copy of rules/ that a test may break. */
function copyOfRules(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-'));
  fs.cpSync(RULES_DIRECTORY, directory, { recursive: true });
  return directory;
}

/** Publishes the next version of a scope straight into the table, as the publish service would. */
async function publishDirectly(database: TestDatabase, scope: string, content: unknown): Promise<void> {
  const latest = await latestPublication(database.db, scope);
  await insertPublication(database.db, {
    scope,
    version: (latest?.version ?? 0) + 1,
    content,
    fileText: ruleFileText(content),
    contentHash: ruleFileHash(content),
    author: 'test',
    comment: 'test',
  });
}

describe('PublishedRules', () => {
  let database: TestDatabase;
  let directory: string;
  beforeEach(async () => {
    database = await createTestDatabase();
    directory = copyOfRules();
  });
  afterEach(async () => {
    fs.rmSync(directory, { recursive: true, force: true });
    await database.drop();
  });

  it('imports the rule files as version 1 of every scope on a first start, and never reads them again', async () => {
    const rules = await PublishedRules.load(database.db, directory);
    expect(rules.siteIds()).toEqual(['de-munich-plant', 'fr-lyon-store', PARIS]);
    expect(rules.forSite(PARIS)?.rules.stewardship.stewards).toEqual(['steward@paris.example']);
    expect(rules.forSite(PARIS)?.version).toMatch(/^[0-9a-f]{64}$/);
    expect(rules.forSite('nowhere')).toBeUndefined();
    const rows = await database.db('rule_publications').orderBy('scope').select('scope', 'version', 'author', 'file_text');
    expect(rows.map((row) => [row.scope, row.version, row.author])).toEqual([
      ['de-munich-plant', 1, RULE_FILES_AUTHOR],
      ['fr-lyon-store', 1, RULE_FILES_AUTHOR],
      [PARIS, 1, RULE_FILES_AUTHOR],
      ['global', 1, RULE_FILES_AUTHOR],
    ]);
    // the file text is kept as written, so an export gives back the same files
    expect(rows.find((row) => row.scope === PARIS).file_text).toBe(fs.readFileSync(path.join(directory, 'sites', `${PARIS}.json`), 'utf8'));

    // the database is now the source of truth: a changed or broken file does not matter
    fs.writeFileSync(path.join(directory, 'sites', `${PARIS}.json`), '{ "site": ');
    const again = await PublishedRules.load(database.db, directory);
    expect(again.forSite(PARIS)?.version).toBe(rules.forSite(PARIS)?.version);
    expect(await database.db('rule_publications').count({ n: '*' }).first()).toEqual({ n: '4' });
  });

  it('records the content of every version in force in rule_versions', async () => {
    const rules = await PublishedRules.load(database.db, directory);
    const rows = await database.db('rule_versions').select('hash', 'scope', 'content').orderBy('scope');
    expect(rows.map((row) => row.scope)).toEqual(rules.siteIds());
    const paris = rows.find((row) => row.scope === PARIS);
    expect(paris.hash).toBe(rules.forSite(PARIS)?.version);
    expect(paris.content).toEqual(rules.forSite(PARIS)?.rules);
  });

  it('takes a newer publication on refresh, with a new version', async () => {
    const rules = await PublishedRules.load(database.db, directory);
    const before = rules.forSite(PARIS)!;
    await publishDirectly(database, PARIS, { ...demoSiteRuleFile(PARIS), sla: { reviewRemindAfter: 'PT4H' } });
    expect(await rules.refresh()).toEqual({ changed: true, errors: [] });
    expect(rules.forSite(PARIS)?.rules.sla.reviewRemindAfter).toBe('PT4H');
    expect(rules.forSite(PARIS)?.version).not.toBe(before.version);
    expect(await rules.refresh()).toEqual({ changed: false, errors: [] });
    const stored = await database.db('rule_versions').where({ hash: rules.forSite(PARIS)!.version }).first();
    expect(stored.content.sla.reviewRemindAfter).toBe('PT4H');
  });

  it('keeps the last valid rules in force when the newest set does not validate, and says why once', async () => {
    const rules = await PublishedRules.load(database.db, directory);
    const before = rules.forSite(PARIS);
    await publishDirectly(database, PARIS, { ...demoSiteRuleFile(PARIS), normalisation: { nameCase: 'shouting' } });
    const refresh = await rules.refresh();
    expect(refresh).toEqual({
      changed: false,
      errors: [{ file: `sites/${PARIS}.json`, pointer: '/normalisation/nameCase', reason: expect.stringContaining('must be one of') }],
    });
    expect(rules.forSite(PARIS)).toBe(before);
    expect(await rules.refresh()).toEqual({ changed: false, errors: [] });
  });

  it('refuses a first start from an invalid directory, listing every error', async () => {
    const site = demoSiteRuleFile(PARIS);
    fs.writeFileSync(path.join(directory, 'sites', `${PARIS}.json`), JSON.stringify({ ...site, site: { ...site.site, id: 'paris' } }));
    fs.writeFileSync(path.join(directory, 'sites', 'fr-lyon-store.json'), '[');
    const error = await PublishedRules.load(database.db, directory).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RulesError);
    expect((error as RulesError).errors.map((ruleError) => ruleError.file).sort()).toEqual(['sites/fr-lyon-store.json', `sites/${PARIS}.json`]);
    expect(await database.db('rule_publications').count({ n: '*' }).first()).toEqual({ n: '0' });
  });

  it('finds a new publication by polling, until closed', async () => {
    const rules = await PublishedRules.load(database.db, directory);
    const refreshes: RulesRefresh[] = [];
    const polling = rules.poll(50, (refresh) => refreshes.push(refresh), (error) => refreshes.push({ changed: false, errors: [{ file: '', pointer: '', reason: String(error) }] }));
    try {
      await publishDirectly(database, PARIS, { ...demoSiteRuleFile(PARIS), sla: { reviewRemindAfter: 'PT2H' } });
      await waitFor(() => rules.forSite(PARIS)?.rules.sla.reviewRemindAfter === 'PT2H');
      expect(refreshes).toEqual([{ changed: true, errors: [] }]);
    } finally {
      polling.close();
    }
    await publishDirectly(database, PARIS, { ...demoSiteRuleFile(PARIS), sla: { reviewRemindAfter: 'PT3H' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(refreshes).toHaveLength(1);
    expect(rules.forSite(PARIS)?.rules.sla.reviewRemindAfter).toBe('PT2H');
  });
});

describe('published rules after an upgrade that requires new rule fields', () => {
  let database: TestDatabase;
  let directory: string;
  beforeEach(async () => {
    database = await createTestDatabase();
    directory = copyOfRules();
    await PublishedRules.load(database.db, directory);
  });
  afterEach(async () => {
    fs.rmSync(directory, { recursive: true, force: true });
    await database.drop();
  });

  /** The global rules as an earlier release published them, with a value an admin changed. */
  const publishedBeforeTheUpgrade = () => {
    const global = JSON.parse(fs.readFileSync(path.join(directory, 'global.json'), 'utf8'));
    delete global.emailTemplates.erasureOutcome;
    delete global.audits.report;
    global.matching.thresholds.autoLink = 0.97;
    return global;
  };

  it('completes the global rules from the shipped file, keeping what the admins set, and says so', async () => {
    await publishDirectly(database, 'global', publishedBeforeTheUpgrade());
    await expect(PublishedRules.load(database.db, directory)).rejects.toThrow(RulesError);

    const lines: string[] = [];
    const rules = await loadPublishedRules(database.db, directory, (line) => lines.push(line));
    expect(rules.siteIds()).toContain(PARIS);
    const latest = await latestPublication(database.db, 'global');
    expect(latest).toMatchObject({ version: 3, author: RULE_FILES_AUTHOR });
    expect(latest!.comment).toContain('/emailTemplates/erasureOutcome, /audits/report');
    const content = latest!.content as { matching: { thresholds: { autoLink: number } }; emailTemplates: Record<string, unknown> };
    expect(content.matching.thresholds.autoLink).toBe(0.97);
    expect(content.emailTemplates.erasureOutcome).toBeDefined();
    expect(lines.join('\n')).toMatch(/published a new version with \/emailTemplates\/erasureOutcome/);
    const logged = await database.db('change_log').where({ entity_type: 'rules', action: 'rules_published' });
    expect(logged).toHaveLength(1);
  });

  it('publishes nothing when the shipped file does not cure the rules: their errors stand', async () => {
    const broken = { ...demoSiteRuleFile(PARIS), matching: { thresholds: { autoLink: 0.5, review: 0.9 } } };
    await publishDirectly(database, PARIS, broken);
    await expect(loadPublishedRules(database.db, directory, () => undefined)).rejects.toThrow(RulesError);
    expect((await latestPublication(database.db, 'global'))!.version).toBe(1);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the rules to change');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
