import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.join(__dirname, '..', '..');

interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function rulesCommand(...args: string[]): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['bin/rules.ts', ...args], { cwd: ROOT });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { exitCode: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run rules -- validate', () => {
  it('validates the whole rules directory', async () => {
    const result = await rulesCommand('validate');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'rules/global.json: ok',
      'rules/sites/de-munich-plant.json: ok',
      'rules/sites/fr-lyon-store.json: ok',
      'rules/sites/fr-paris-hq.json: ok',
    ]);
  });

  it('prints every error of the named files as file: pointer: reason and exits 1', async () => {
    const result = await rulesCommand('validate', 'test/fixtures/rules/sites/syntax-error.json', 'rules/sites/fr-lyon-store.json');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('test/fixtures/rules/sites/syntax-error.json: /: invalid JSON at line 5, column 5');
    expect(result.stdout.trim()).toBe('rules/sites/fr-lyon-store.json: ok');
  });
});
