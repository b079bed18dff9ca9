import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestPlatform } from './platform';
import { testServers } from './servers';

const ROOT = path.join(__dirname, '..', '..');

/** The worker as its own process, as a deployment runs it. */
export function spawnWorker(platform: TestPlatform): ChildProcess {
  // node itself with the tsx loader (not the tsx CLI, which forks): the kill reaches the worker
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin', 'worker.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: platform.database.url,
      TEMPORAL_ADDRESS: testServers().temporalAddress,
      TEMPORAL_TASK_QUEUE: platform.taskQueue,
      SMTP_URL: platform.smtpUrl,
      ACTION_TOKEN_SECRET: platform.actionTokenSecret.toString('base64url'),
    },
    stdio: 'ignore',
  });
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
