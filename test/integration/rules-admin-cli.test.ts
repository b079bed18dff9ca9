import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { API_COMMANDS, runRulesApiCommand } from '../../bin/rules/api-commands';
import { RULES_DIRECTORY } from '../support/rule-files';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const LYON = 'fr-lyon-store';

describe('npm run rules -- diff | publish | rollback | export, against the API', () => {
  let platform: TestPlatform;
  let token: string;
  let directory: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ withWorker: false });
    token = await platform.tokenFor(['admin'], ['*']);
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-export-'));
  });
  afterAll(async () => {
    fs.rmSync(directory, { recursive: true, force: true });
    await platform.stop();
  });

  /** Runs a command as `npm run rules -- <command> ...` would, collecting what it prints. */
  const rules = async (command: (typeof API_COMMANDS)[number], ...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const exitCode = await runRulesApiCommand(command, [...args, '--url', platform.baseUrl], {
      env: { STEWARDSHIP_TOKEN: token },
      print: (line) => out.push(line),
      printError: (line) => err.push(line),
    });
    return { exitCode, out: out.join('\n'), err: err.join('\n') };
  };
  const lyonFile = () => path.join(directory, 'sites', `${LYON}.json`);
  const editLyon = (edit: (site: Record<string, any>) => void) => {
    const site = JSON.parse(fs.readFileSync(lyonFile(), 'utf8'));
    edit(site);
    fs.writeFileSync(lyonFile(), `${JSON.stringify(site, null, 2)}\n`);
  };

  it('exports the versions in force as the files they were imported from', async () => {
    const result = await rules('export', '--dir', directory);
    expect(result.exitCode).toBe(0);
    expect(result.out).toContain(`${lyonFile()}: version 1`);
    for (const file of ['global.json', `sites/${LYON}.json`, 'sites/fr-paris-hq.json', 'sites/de-munich-plant.json']) {
      expect(fs.readFileSync(path.join(directory, file), 'utf8')).toBe(fs.readFileSync(path.join(RULES_DIRECTORY, file), 'utf8'));
    }
  });

  it('diffs an edited file against the version in force, publishes it, and refuses a stale base (409)', async () => {
    editLyon((site) => (site.matching.thresholds.autoLink = 0.9));
    const diff = await rules('diff', lyonFile());
    expect(diff.out).toContain('-      "autoLink": 0.93,\n+      "autoLink": 0.9,');

    const published = await rules('publish', lyonFile(), '--comment', 'fewer reviews at Lyon', '--base', '1');
    expect(published).toMatchObject({ exitCode: 0, err: '' });
    expect(published.out).toContain(`sites/${LYON}.json: version 2 published (was 1)`);
    expect(published.out).toContain(`${LYON} decides under rules version ${platform.rules.forSite(LYON)!.version}`);
    expect((await rules('diff', lyonFile())).out).toBe(`${lyonFile()}: the same as version 2 in force`);

    editLyon((site) => (site.matching.thresholds.autoLink = 0.91));
    const stale = await rules('publish', lyonFile(), '--comment', 'again', '--base', '1');
    expect(stale.exitCode).toBe(1);
    expect(stale.err).toMatch(/the API answered 409: .*is at version 2, not 1/);
  });

  it('prints every problem of a refused file as file: pointer: reason', async () => {
    editLyon((site) => (site.matching.priorProbability = 0.5));
    const refused = await rules('publish', lyonFile(), '--comment', 'try', '--base', '2');
    expect(refused.exitCode).toBe(1);
    expect(refused.err).toContain(`sites/${LYON}.json: /matching/priorProbability: locked by global.json`);
  });

  it('diffs two published versions and rolls back', async () => {
    const diff = await rules('diff', '--scope', LYON, '--from', '1', '--to', '2');
    expect(diff.out).toContain(`--- sites/${LYON}.json version 1`);
    const rollback = await rules('rollback', '--scope', LYON, '--to', '1', '--comment', 'back to the files');
    expect(rollback.out).toContain(`sites/${LYON}.json: version 3 published with the content of version 1`);
    expect(platform.rules.forSite(LYON)!.rules.matching.thresholds.autoLink).toBe(0.93);
  });

  it('needs a token', async () => {
    await expect(runRulesApiCommand('export', ['--url', platform.baseUrl], { env: {}, print: () => undefined, printError: () => undefined })).rejects.toThrow(/no API token/);
  });
});
