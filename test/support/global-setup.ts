import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../runtime/embedded-postgres';
import { connectDatabase, databaseUrl, ensureDatabase, migrateToLatest } from '../../runtime/db';
import { freePort } from '../../runtime/ports';
import { startTemporalDevServer } from '../../runtime/temporal-server';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../runtime/worker';
import { TEMPLATE_DATABASE, type TestServers } from './servers';

/** One PostgreSQL and one Temporal dev server for the whole run: each test file then takes its
 * own database, copied from a migrated template, and its own task queue. */
export default async function globalSetup(): Promise<void> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stewardship-test-'));
  // as root, PostgreSQL runs as another user, who must be able to reach its data folder
  fs.chmodSync(workDir, 0o755);
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(workDir, 'pg'),
    port: await freePort(),
    persistent: false,
  });
  await ensureDatabase(postgres.serverUrl, TEMPLATE_DATABASE);
  const template = connectDatabase(databaseUrl(postgres.serverUrl, TEMPLATE_DATABASE), 1);
  await migrateToLatest(template);
  await template.destroy();

  const temporal = await startTemporalDevServer({
    port: await freePort(),
    logFile: path.join(workDir, 'temporal.log'),
  });

  // bundled once for the run: every test worker loads this file instead of bundling again
  const workflowBundlePath = path.join(workDir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  fs.writeFileSync(workflowBundlePath, code);

  const servers: TestServers = { postgresUrl: postgres.serverUrl, temporalAddress: temporal.address, workDir, workflowBundlePath };
  process.env.TEST_SERVERS = JSON.stringify(servers);
  Object.assign(globalThis, { __stopTestServers: async () => {
    await temporal.stop();
    await postgres.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  } });
}

const ignore = () => undefined;
const quietLogger = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };
