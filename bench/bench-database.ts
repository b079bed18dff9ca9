import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectDatabase, databaseUrl, dropDatabase, ensureDatabase, migrateToLatest, type Db } from '../runtime/db';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres';
import { freePort } from '../runtime/ports';

export interface BenchDatabase {
  db: Db;
  /** where the database runs, without credentials */
  description: string;
  /** a copy of the database as it is now (CREATE DATABASE … TEMPLATE), closed on its own */
  copy(): Promise<Omit<BenchDatabase, 'copy'>>;
  close(): Promise<void>;
}

/** A fresh, migrated database: a new one on $DATABASE_URL's server when set, otherwise an
 * embedded PostgreSQL in a temporary folder that is removed afterwards. */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) return freshDatabaseOn(serverUrl, `a fresh database on $DATABASE_URL's server`, async () => {});
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-database-'));
  // as root, PostgreSQL runs as another user, who must be able to reach its data folder
  fs.chmodSync(dataRoot, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dataRoot, 'pg'), port: await freePort(), persistent: false });
  return freshDatabaseOn(postgres.serverUrl, `embedded PostgreSQL in ${dataRoot}`, async () => {
    await postgres.stop();
    fs.rmSync(dataRoot, { recursive: true, force: true });
  });
}

async function freshDatabaseOn(serverUrl: string, description: string, stopServer: () => Promise<void>): Promise<BenchDatabase> {
  const name = `bench_match_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(serverUrl, name);
  const db = connectDatabase(databaseUrl(serverUrl, name), 2);
  await migrateToLatest(db);
  return {
    db,
    description,
    copy: async () => {
      // a template database may have no other session while it is copied
      await db.destroy();
      const copyName = `${name}_copy`;
      await ensureDatabase(serverUrl, copyName, name);
      db.initialize();
      const copy = connectDatabase(databaseUrl(serverUrl, copyName), 2);
      return {
        db: copy,
        description: `a copy of ${name}`,
        close: async () => {
          await copy.destroy();
          await dropDatabase(serverUrl, copyName);
        },
      };
    },
    close: async () => {
      await db.destroy();
      await dropDatabase(serverUrl, name);
      await stopServer();
    },
  };
}
