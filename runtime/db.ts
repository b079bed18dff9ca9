import path from 'node:path';
import knex, { type Knex } from 'knex';

export type Db = Knex;

const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');

export function connectDatabase(url: string, poolMax = 10): Db {
  return knex({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: poolMax },
  });
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  const [, applied] = await db.migrate.latest({
    directory: MIGRATIONS_DIR,
    loadExtensions: ['.ts', '.js'],
  });
  return applied as string[];
}

/** The URL of another database on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates a database (optionally as a copy of a template) unless it exists. */
export async function ensureDatabase(serverUrl: string, database: string, template?: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`invalid database name "${database}"`);
  const admin = connectDatabase(databaseUrl(serverUrl, 'postgres'), 1);
  try {
    const exists = await admin('pg_database').where({ datname: database }).first();
    if (!exists) {
      await admin.raw(`CREATE DATABASE ${database}${template ? ` TEMPLATE ${template}` : ''}`);
    }
  } finally {
    await admin.destroy();
  }
}

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  const admin = connectDatabase(databaseUrl(serverUrl, 'postgres'), 1);
  try {
    await admin.raw(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await admin.destroy();
  }
}
