// The worker process of a deployment: DATABASE_URL, TEMPORAL_ADDRESS and SMTP_URL are required. Run as many
// as you need; they share the task queue.
import { readConfig, requireSetting } from '../runtime/config';
import { createLog } from '../runtime/log';
import { loadRules, openDatabase, runWorker, stopOnSignals } from '../runtime/platform';

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLog('worker');
  const db = await openDatabase(requireSetting(config.databaseUrl, 'DATABASE_URL'), log);
  const { rules, watcher } = await loadRules(config, db, log);
  const worker = await runWorker(
    config,
    {
      temporalAddress: requireSetting(config.temporalAddress, 'TEMPORAL_ADDRESS'),
      smtpUrl: requireSetting(config.smtpUrl, 'SMTP_URL'),
      db,
      rules,
    },
    log,
  );
  stopOnSignals([() => db.destroy(), async () => watcher.close(), worker.stop], log);
}

main().catch((error) => {
  process.stderr.write(`worker could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
