import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RulesError } from '../../core/rules/rule-file-error';
import { recordRuleVersions, RulesRegistry, type RulesReload } from '../../runtime/rules-registry';
import { RULES_DIRECTORY } from '../support/rule-files';
import { createTestDatabase, type TestDatabase } from '../support/servers';

const PARIS = 'fr-paris-hq';

/** A private copy of rules/ that a test may break. */
function copyOfRules(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-'));
  fs.cpSync(RULES_DIRECTORY, directory, { recursive: true });
  return directory;
}

function editSiteFile(directory: string, siteId: string, edit: (site: Record<string, any>) => void): void {
  const file = path.join(directory, 'sites', `${siteId}.json`);
  const site = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(site);
  fs.writeFileSync(file, JSON.stringify(site, null, 2));
}

describe('RulesRegistry', () => {
  let directory: string;
  beforeEach(() => {
    directory = copyOfRules();
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('loads every site with its merged rules and version', () => {
    const registry = RulesRegistry.load(directory);
    expect(registry.siteIds()).toEqual(['de-munich-plant', 'fr-lyon-store', PARIS]);
    expect(registry.forSite(PARIS)?.rules.stewardship.stewards).toEqual(['steward@paris.example']);
    expect(registry.forSite(PARIS)?.version).toMatch(/^[0-9a-f]{64}$/);
    expect(registry.forSite('nowhere')).toBeUndefined();
  });

  it('keeps the last valid rules in force when a file becomes invalid, and says why', () => {
    const registry = RulesRegistry.load(directory);
    const before = registry.forSite(PARIS);

    // one valid change alongside one broken file: neither is taken
    editSiteFile(directory, 'fr-lyon-store', (site) => (site.matching.thresholds.review = 0.5));
    editSiteFile(directory, PARIS, (site) => (site.normalisation = { nameCase: 'shouting' }));
    const reload = registry.reload();
    expect(reload.ok).toBe(false);
    expect(reload.errors).toEqual([
      { file: `sites/${PARIS}.json`, pointer: '/normalisation/nameCase', reason: expect.stringContaining('must be one of') },
    ]);
    expect(registry.forSite(PARIS)).toBe(before);
    expect(registry.forSite('fr-lyon-store')?.rules.matching.thresholds.review).not.toBe(0.5);

    fs.writeFileSync(path.join(directory, 'sites', `${PARIS}.json`), '{ "site": ');
    expect(registry.reload().errors[0].reason).toMatch(/^invalid JSON at line 1, column 11/);
    expect(registry.forSite(PARIS)).toBe(before);
  });

  it('takes a valid change on reload, with a new version', () => {
    const registry = RulesRegistry.load(directory);
    const before = registry.forSite(PARIS)!;
    editSiteFile(directory, PARIS, (site) => (site.sla = { reviewRemindAfter: 'PT4H' }));
    expect(registry.reload()).toEqual({ ok: true, errors: [] });
    expect(registry.forSite(PARIS)?.rules.sla.reviewRemindAfter).toBe('PT4H');
    expect(registry.forSite(PARIS)?.version).not.toBe(before.version);
  });

  it('refuses to start from an invalid directory, listing every error', () => {
    editSiteFile(directory, PARIS, (site) => (site.site.id = 'paris'));
    fs.writeFileSync(path.join(directory, 'sites', 'fr-lyon-store.json'), '[');
    expect(() => RulesRegistry.load(directory)).toThrow(RulesError);
    try {
      RulesRegistry.load(directory);
    } catch (error) {
      expect((error as RulesError).errors.map((ruleError) => ruleError.file).sort()).toEqual([
        'sites/fr-lyon-store.json',
        `sites/${PARIS}.json`,
      ]);
    }
  });

  it('reloads when a file changes while watched, until closed', async () => {
    const registry = RulesRegistry.load(directory);
    const reloads: RulesReload[] = [];
    const watcher = registry.watch((reload) => reloads.push(reload));
    try {
      editSiteFile(directory, PARIS, (site) => (site.sla = { reviewRemindAfter: 'PT2H' }));
      await waitFor(() => registry.forSite(PARIS)?.rules.sla.reviewRemindAfter === 'PT2H');
      expect(reloads.at(-1)).toEqual({ ok: true, errors: [] });
    } finally {
      watcher.close();
    }
    const reloadCount = reloads.length;
    editSiteFile(directory, PARIS, (site) => (site.sla = { reviewRemindAfter: 'PT3H' }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(reloads).toHaveLength(reloadCount);
    expect(registry.forSite(PARIS)?.rules.sla.reviewRemindAfter).toBe('PT2H');
  });
});

describe('recordRuleVersions', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('stores each site version once', async () => {
    const registry = RulesRegistry.load(RULES_DIRECTORY);
    await recordRuleVersions(database.db, registry);
    await recordRuleVersions(database.db, registry);
    const rows = await database.db('rule_versions').select('hash', 'scope', 'content').orderBy('scope');
    expect(rows.map((row) => row.scope)).toEqual(registry.siteIds());
    const paris = rows.find((row) => row.scope === PARIS);
    expect(paris.hash).toBe(registry.forSite(PARIS)?.version);
    expect(paris.content).toEqual(registry.forSite(PARIS)?.rules);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the rules to reload');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
