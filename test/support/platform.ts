import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { PublishedRules } from '../../runtime/published-rules';
import { createWorker } from '../../runtime/worker';
import { createMailer } from '../../runtime/mailer';
import { freePort } from '../../runtime/ports';
import { startOutboxSmtpServer } from '../../runtime/smtp-outbox';
import { createUser, issueToken, type Role } from '../../store/users';
import { createTestDatabase, testServers, type TestDatabase } from './servers';

export const RULES_DIR = path.join(__dirname, '..', '..', 'rules');

let runtimeInstalled = false;
/** Worker logs stay quiet in tests unless something goes wrong. */
export function quietWorkerRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // installed by an earlier test file in this process
  }
}

export interface TestPlatform {
  baseUrl: string;
  /** the local SMTP server every mail of this platform goes to (kept in the outbox table) */
  smtpUrl: string;
  actionTokenSecret: Buffer;
  database: TestDatabase;
  /** the rules in force in the API process */
  rules: PublishedRules;
  /** the worker's own view of the published rules: it finds a new publication by polling, as a
   * worker process of a deployment does */
  workerRules: PublishedRules;
  client: Client;
  taskQueue: string;
  /** a user with these roles and sites (and email, if given), and its bearer token */
  tokenFor(roles: Role[], sites: string[], email?: string): Promise<string>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** The platform in-process on the shared test servers: its own database, task queue, worker and
 * API on a free port. */
export async function startTestPlatform(
  options: { rulesDir?: string; withWorker?: boolean; onboardingWaitMs?: number; rulesPollMs?: number; log?: (line: string) => void } = {},
): Promise<TestPlatform> {
  quietWorkerRuntime();
  const servers = testServers();
  const database = await createTestDatabase();
  // the rule files are the seed of this fresh database, as on a first start
  const rules = await PublishedRules.load(database.db, options.rulesDir ?? RULES_DIR);
  const workerRules = await PublishedRules.load(database.db, options.rulesDir ?? RULES_DIR);
  // a poll cut short by the teardown (database dropped) is of no interest
  const ignore = () => undefined;
  const polling = [rules, workerRules].map((published) => published.poll(options.rulesPollMs ?? 200, ignore, ignore));
  const connection = await Connection.connect({ address: servers.temporalAddress });
  const client = new Client({ connection });
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const smtp = await startOutboxSmtpServer({ port: await freePort(), db: database.db });
  const mailer = createMailer(smtp.url, 'stewardship@test.example');
  const actionTokenSecret = randomBytes(32);
  const apiPort = await freePort();
  const baseUrl = `http://127.0.0.1:${apiPort}`;

  let worker: { instance: Worker; running: Promise<void>; connection: NativeConnection } | undefined;
  const startWorker = async () => {
    const workerConnection = await NativeConnection.connect({ address: servers.temporalAddress });
    const instance = await createWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      deps: { db: database.db, rules: workerRules, mailer, publicUrl: baseUrl, actionTokenSecret, client, taskQueue },
      workflowBundle: { codePath: servers.workflowBundlePath },
    });
    worker = { instance, running: instance.run(), connection: workerConnection };
  };
  const stopWorker = async () => {
    if (!worker) return;
    worker.instance.shutdown();
    await worker.running;
    await worker.connection.close();
    worker = undefined;
  };
  if (options.withWorker ?? true) await startWorker();

  const server = http.createServer(
    createApp({
      db: database.db,
      rules,
      temporal: client,
      taskQueue,
      onboardingWaitMs: options.onboardingWaitMs ?? 10_000,
      publicUrl: baseUrl,
      outboxEnabled: true,
      log: options.log ?? (() => undefined),
      rulesPublished: () => rules.refresh(),
    }),
  );
  await new Promise<void>((resolve) => server.listen(apiPort, '127.0.0.1', resolve));

  let users = 0;
  return {
    baseUrl,
    smtpUrl: smtp.url,
    actionTokenSecret,
    database,
    rules,
    workerRules,
    client,
    taskQueue,
    startWorker,
    stopWorker,
    async tokenFor(roles, sites, email) {
      users += 1;
      const user = await createUser(database.db, { email: email ?? `user${users}@test.example`, name: `User ${users}`, roles, sites });
      return (await issueToken(database.db, user.id, 'test')).token;
    },
    async stop() {
      for (const poll of polling) poll.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await stopWorker();
      mailer.close();
      await smtp.stop();
      await connection.close();
      await database.drop();
    },
  };
}

/** A JSON request as a client would send it. */
export async function call(
  baseUrl: string,
  method: string,
  urlPath: string,
  options: { token?: string; body?: unknown; rawBody?: string; contentType?: string } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    headers['content-type'] = options.contentType ?? 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(baseUrl + urlPath, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}
