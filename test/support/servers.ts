import { randomBytes } from 'node:crypto';
import { connectDatabase, databaseUrl, dropDatabase, ensureDatabase, type Db } from '../../runtime/db';

export const TEMPLATE_DATABASE = 'stewardship_template';

export interface TestServers {
  postgresUrl: string;
  temporalAddress: string;
  workDir: string;
  workflowBundlePath: string;
}

export function testServers(): TestServers {
  const json = process.env.TEST_SERVERS;
  if (!json) throw new Error('TEST_SERVERS is not set: run the tests through jest (globalSetup starts the servers)');
  return JSON.parse(json) as TestServers;
}

export interface TestDatabase {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own, copied from the template in milliseconds. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { postgresUrl } = testServers();
  const name = `t_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(postgresUrl, name, TEMPLATE_DATABASE);
  const url = databaseUrl(postgresUrl, name);
  const db = connectDatabase(url, 5);
  return {
    db,
    url,
    drop: async () => {
      await db.destroy();
      await dropDatabase(postgresUrl, name);
    },
  };
}
