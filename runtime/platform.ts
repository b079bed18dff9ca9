import http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { formatRuleFileError, RulesError } from '../core/rules/rule-file-error';
import { completePublishedGlobalRules } from '../services/rule-upgrade';
import { createApp } from '../api/app';
import type { ApiContext } from '../api/context';
import type { Config } from './config';
import { connectDatabase, migrateToLatest, type Db } from './db';
import type { Log } from './log';
import { createMailer } from './mailer';
import { loadActionTokenSecret } from './secrets';
import { PublishedRules, type RulesPolling } from './published-rules';
import { createWorker, type WorkerDeps } from './worker';

/** The pieces the entry points (start, api, worker) put together. Each returns how to stop it. */

export async function openDatabase(url: string, log: Log): Promise<Db> {
  const db = connectDatabase(url);
  const applied = await migrateToLatest(db);
  if (applied.length > 0) log(`database migrated: ${applied.join(', ')}`);
  return db;
}

/** The published rules; when they no longer validate (an upgrade that requires new fields), the
 * global rules are first completed from the shipped rule files, and that is said. */
export async function loadPublishedRules(db: Db, rulesDir: string, log: Log): Promise<PublishedRules> {
  try {
    return await PublishedRules.load(db, rulesDir);
  } catch (error) {
    if (!(error instanceof RulesError)) throw error;
    const added = await completePublishedGlobalRules(db, rulesDir);
    if (added.length > 0) {
      log(`the published global rules lacked what this release requires; published a new version with ${added.join(', ')} from ${rulesDir}/global.json`);
    }
    // again even when nothing was added here: another process may have completed them meanwhile
    return PublishedRules.load(db, rulesDir);
  }
}

/** Loads the published rules (on a first start, the rule files of RULES_DIR become version 1) and
 * polls for newer publications; a newer set that does not validate is reported and the last valid
 * rules stay in force. Refuses to start without a valid set. */
export async function loadRules(config: Config, db: Db, log: Log): Promise<{ rules: PublishedRules; watcher: RulesPolling }> {
  const rules = await loadPublishedRules(db, config.rulesDir, log);
  const inForce = () => rules.siteIds().map((id) => `${id}@${rules.forSite(id)!.version.slice(0, 12)}`).join(', ');
  log(`rules loaded from the database: ${inForce()}`);
  const watcher = rules.poll(
    config.rulesPollMs,
    (refresh) => {
      if (refresh.errors.length === 0) log(`newer rules published, now in force: ${inForce()}`);
      else log(`newer rules NOT taken, the last valid version stays in force:\n  ${refresh.errors.map(formatRuleFileError).join('\n  ')}`);
    },
    (error) => log(`could not read the published rules: ${error instanceof Error ? error.message : String(error)}`),
  );
  return { rules, watcher };
}

export async function connectTemporalClient(config: Config, address: string): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection, namespace: config.temporalNamespace }), close: () => connection.close() };
}

/** Once per process, before the first native connection (the SDK fixes its runtime then). */
function installSdkLogger(level: Config['temporalSdkLogLevel']): void {
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // already installed (several workers in one process)
  }
}

/** A worker with everything its activities need: the database, the rules, a mailer, the secret
 * of email links, and a Temporal client for the workflows activities start. */
export async function runWorker(
  config: Config,
  parts: { temporalAddress: string; smtpUrl: string; db: Db; rules: WorkerDeps['rules'] },
  log: Log,
): Promise<{ stop(): Promise<void> }> {
  const address = parts.temporalAddress;
  const temporal = await connectTemporalClient(config, address);
  const mailer = createMailer(parts.smtpUrl, config.mailFrom);
  const deps: WorkerDeps = {
    db: parts.db,
    rules: parts.rules,
    mailer,
    publicUrl: config.publicUrl,
    actionTokenSecret: loadActionTokenSecret(config.dataDir),
    client: temporal.client,
    taskQueue: config.taskQueue,
  };
  installSdkLogger(config.temporalSdkLogLevel);
  const connection = await NativeConnection.connect({ address });
  const worker = await createWorker({ connection, namespace: config.temporalNamespace, taskQueue: config.taskQueue, deps });
  const running = worker.run();
  log(`worker polling task queue "${config.taskQueue}" on ${address}`);
  return {
    stop: async () => {
      // the SDK shuts the worker down on SIGINT/SIGTERM by itself; this covers the other callers
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await temporal.close();
      mailer.close();
    },
  };
}

/** The API on HOST:PORT. `outboxEnabled`: this process runs the embedded SMTP server, whose
 * messages GET /api/outbox shows. */
export async function serveApi(
  config: Config,
  parts: { db: Db; rules: PublishedRules; temporal: Client; outboxEnabled: boolean; log: Log },
): Promise<{ url: string; stop(): Promise<void> }> {
  const context: ApiContext = {
    db: parts.db,
    rules: parts.rules,
    temporal: parts.temporal,
    taskQueue: config.taskQueue,
    onboardingWaitMs: config.onboardingWaitMs,
    publicUrl: config.publicUrl,
    outboxEnabled: parts.outboxEnabled,
    rulesPublished: () => parts.rules.refresh(),
    log: parts.log,
  };
  const server = http.createServer(createApp(context));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  return {
    url: config.publicUrl,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Runs `stop` functions in reverse order on Ctrl-C or SIGTERM, once. */
export function stopOnSignals(stops: Array<() => Promise<void>>, log: Log): void {
  let stopping = false;
  const stopAll = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    for (const stop of [...stops].reverse()) {
      try {
        await stop();
      } catch (error) {
        log(`while stopping: ${String(error)}`);
      }
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stopAll('SIGINT'));
  process.on('SIGTERM', () => void stopAll('SIGTERM'));
}
