// npm start: the whole platform on one machine. Every part whose variable is unset starts embedded
// (PostgreSQL, the Temporal dev server, an SMTP server that keeps its mail); data lives in .data/.
import fs from 'node:fs';
import path from 'node:path';
import { EMBEDDED_DATABASE, readConfig } from '../runtime/config';
import { databaseUrl, ensureDatabase } from '../runtime/db';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres';
import { createLog } from '../runtime/log';
import { connectTemporalClient, loadRules, openDatabase, runWorker, serveApi, stopOnSignals } from '../runtime/platform';
import { startOutboxSmtpServer } from '../runtime/smtp-outbox';
import { startTemporalDevServer } from '../runtime/temporal-server';
import { ensureDemoAdmin } from '../runtime/demo-admin';

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLog('start');
  const stops: Array<() => Promise<void>> = [];
  stopOnSignals(stops, log);
  fs.mkdirSync(config.dataDir, { recursive: true });
  const used: string[] = [];

  let dbUrl = config.databaseUrl;
  if (!dbUrl) {
    const postgres = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'postgres'), port: config.embedded.postgresPort });
    stops.push(postgres.stop);
    await ensureDatabase(postgres.serverUrl, EMBEDDED_DATABASE);
    dbUrl = databaseUrl(postgres.serverUrl, EMBEDDED_DATABASE);
    used.push(`PostgreSQL   embedded, 127.0.0.1:${config.embedded.postgresPort}, data in ${path.join(config.dataDir, 'postgres')}`);
  } else {
    used.push('PostgreSQL   DATABASE_URL');
  }
  const db = await openDatabase(dbUrl, log);
  stops.push(() => db.destroy());

  const { rules, watcher } = await loadRules(config, db, log);
  stops.push(async () => watcher.close());

  let temporalAddress = config.temporalAddress;
  let temporalUi = 'see your Temporal cluster';
  if (!temporalAddress) {
    const temporal = await startTemporalDevServer({
      port: config.embedded.temporalPort,
      uiPort: config.embedded.temporalUiPort,
      dbFile: path.join(config.dataDir, 'temporal.sqlite'),
      logFile: path.join(config.dataDir, 'temporal.log'),
    });
    stops.push(temporal.stop);
    temporalAddress = temporal.address;
    temporalUi = temporal.uiUrl ?? temporalUi;
    used.push(`Temporal     dev server ${temporal.binary}, ${temporal.address}, history in ${path.join(config.dataDir, 'temporal.sqlite')}`);
  } else {
    used.push(`Temporal     TEMPORAL_ADDRESS ${temporalAddress}`);
  }

  let smtpUrl = config.smtpUrl;
  if (!smtpUrl) {
    const smtp = await startOutboxSmtpServer({ port: config.embedded.smtpPort, db, log: createLog('smtp') });
    stops.push(smtp.stop);
    smtpUrl = smtp.url;
    used.push(`SMTP         embedded, ${smtp.url}, every message kept in the outbox`);
  } else {
    used.push('SMTP         SMTP_URL');
  }

  const worker = await runWorker(config, { temporalAddress, smtpUrl, db, rules }, createLog('worker'));
  stops.push(worker.stop);
  const temporal = await connectTemporalClient(config, temporalAddress);
  stops.push(temporal.close);
  const api = await serveApi(config, { db, rules, temporal: temporal.client, outboxEnabled: !config.smtpUrl, log: createLog('api') });
  stops.push(api.stop);

  const demoToken = await ensureDemoAdmin(db);
  const lines = [
    '',
    'Customer stewardship platform is running.',
    ...used.map((line) => `  ${line}`),
    `  API          ${api.url}/api   (health: ${api.url}/healthz, OpenAPI: ${api.url}/api/openapi.json)`,
    `  Temporal UI  ${temporalUi}`,
    config.smtpUrl ? '  Outbox       none (SMTP_URL is set)' : `  Outbox       ${api.url}/outbox?token=<admin token>   (JSON: GET /api/outbox)`,
    `  Rules        published in the database (first start: imported from ${config.rulesDir}); npm run rules -- export writes them back`,
    demoToken
      ? `\n  First start: demo admin admin@example.com, all sites. Its API token (shown once, keep it):\n\n    ${demoToken}\n\n  Try: curl -H "Authorization: Bearer ${demoToken}" ${api.url}/api/sites`
      : '  Users and tokens: npm run cli -- users list',
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
