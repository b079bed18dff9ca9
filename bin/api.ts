// The API process of a deployment: DATABASE_URL and TEMPORAL_ADDRESS are required. Run as many
// as you need behind a load balancer.
import { readConfig, requireSetting } from '../runtime/config';
import { createLog } from '../runtime/log';
import { connectTemporalClient, loadRules, openDatabase, serveApi, stopOnSignals } from '../runtime/platform';

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLog('api');
  const db = await openDatabase(requireSetting(config.databaseUrl, 'DATABASE_URL'), log);
  const { rules, watcher } = await loadRules(config, db, log);
  const temporal = await connectTemporalClient(config, requireSetting(config.temporalAddress, 'TEMPORAL_ADDRESS'));
  const api = await serveApi(config, { db, rules, temporal: temporal.client, outboxEnabled: false, log });
  stopOnSignals([() => db.destroy(), async () => watcher.close(), temporal.close, api.stop], log);
  log(`listening on ${config.host}:${config.port} (public URL ${api.url})`);
}

main().catch((error) => {
  process.stderr.write(`api could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
