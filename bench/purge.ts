/** Purge benchmark: 100,000 expired source records among 1,000,000 (generated in SQL) at one site,
 * purged through the production path (keyset pages, legal-hold filter, anonymisation, golden
 * records removed or derived again, purge log) and, in the same run, the same rows removed by a
 * bare DELETE on a copy of the database. The last line is one JSON object.
 *
 *   npm run bench:purge [-- --rows 1000000]
 */
import path from 'node:path';
import { createPurgeActivities } from '../activities/purge';
import { RETENTION_CATEGORIES } from '../core/retention/types';
import { rulesFromFiles } from '../runtime/rule-files';
import type { Db } from '../runtime/db';
import { purgePlan } from '../core/retention/plan';
import { openPurgeRun } from '../store/purges';
import { PURGE_PAGE_SIZE } from '../workflows/purge';
import { openBenchDatabase } from './bench-database';

const SITE = 'fr-paris-hq';

function rowsArgument(argv: string[]): number {
  const index = argv.indexOf('--rows');
  const rows = index >= 0 ? Number(argv[index + 1]) : 1_000_000;
  if (!Number.isInteger(rows) || rows < 100) throw new Error('--rows must be a whole number of at least 100');
  return rows;
}

/** One golden record per source record; every tenth record expired (four years without update);
 * every hundredth expired record belongs to the golden record of a recent one, which is then
 * derived again rather than removed. */
async function generate(db: Db, rows: number): Promise<void> {
  await db.raw(
    `INSERT INTO customers (id, home_site_id, record, provenance, name_key, rules_version)
     SELECT md5('c' || g)::uuid, ?, jsonb_build_object('givenName', 'Given' || g, 'familyName', 'Family' || g, 'email', 'person' || g || '@bench.example'),
            '{}'::jsonb, 'given' || g || ' family' || g, 'bench'
     FROM generate_series(1, ?) AS g`,
    [SITE, rows],
  );
  await db.raw(
    `INSERT INTO source_records (id, site_id, source_system, source_id, status, customer_id, raw, raw_hash, record,
                                 given_name_key, family_name_key, name_key, email_key, rules_version, updated_at, received_at)
     SELECT md5('s' || g)::uuid, ?, 'crm', 'S-' || g, 'linked',
            md5('c' || CASE WHEN g % 1000 = 0 THEN g - 1 ELSE g END)::uuid,
            r, md5(r::text), r, 'given' || g, 'family' || g, 'given' || g || ' family' || g, 'person' || g || '@bench.example', 'bench', t, t
     FROM generate_series(1, ?) AS g,
          LATERAL (SELECT jsonb_build_object('givenName', 'Given' || g, 'familyName', 'Family' || g, 'email', 'person' || g || '@bench.example', 'country', 'FR') AS r,
                          CASE WHEN g % 10 = 0 THEN now() - interval '4 years' ELSE now() - interval '1 day' END AS t) AS v`,
    [SITE, rows],
  );
  await db.raw('ANALYZE');
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

async function main(): Promise<void> {
  const rows = rowsArgument(process.argv.slice(2));
  const rules = rulesFromFiles(path.join(__dirname, '..', 'rules'));
  const siteRules = rules.forSite(SITE)!;
  const database = await openBenchDatabase();
  try {
    const generated = await timed(() => generate(database.db, rows));
    const plan = purgePlan(siteRules, new Date());
    const [{ n: expected }] = await database.db('source_records').where('updated_at', '<', plan.sourceRecords.cutoff).count('* as n');

    const copy = await database.copy();
    const bare = await timed(() => copy.db('source_records').where({ site_id: SITE }).where('updated_at', '<', plan.sourceRecords.cutoff).delete());
    await copy.close();

    const activities = createPurgeActivities({ db: database.db, rules });
    const run = await openPurgeRun(database.db, { siteId: SITE, workflowId: `purge:${SITE}:bench`, dryRun: false, rulesVersion: siteRules.version, plan, startedBy: 'bench' });
    const purge = await timed(async () => {
      let pages = 0;
      for (const category of RETENTION_CATEGORIES) {
        let afterKey: string | null = null;
        for (let page = 0; ; page++) {
          const result = await activities.purgePage({ purgeId: run.id, category, page, afterKey, pageSize: PURGE_PAGE_SIZE });
          pages += 1;
          afterKey = result.lastKey;
          if (result.done) break;
        }
      }
      return { pages, counts: await activities.finishPurge({ purgeId: run.id, status: 'completed' }) };
    });

    const purged = purge.result.counts.sourceRecords ?? 0;
    const ratio = purge.seconds / bare.seconds;
    console.log(`${rows.toLocaleString('en')} source records at ${SITE}, ${Number(expected).toLocaleString('en')} of them expired (${plan.sourceRecords.action}, cutoff ${plan.sourceRecords.cutoff}); generated in ${generated.seconds.toFixed(1)} s; ${database.description}`);
    console.log('');
    console.log(`${'what'.padEnd(44)} ${'rows'.padStart(9)} ${'seconds'.padStart(9)} ${'rows/s'.padStart(9)}`);
    const line = (what: string, count: number, seconds: number) =>
      console.log(`${what.padEnd(44)} ${count.toLocaleString('en').padStart(9)} ${seconds.toFixed(2).padStart(9)} ${Math.round(count / seconds).toLocaleString('en').padStart(9)}`);
    line(`purge (${purge.result.pages} pages of ${PURGE_PAGE_SIZE}, with golden records)`, purged, purge.seconds);
    line('bare DELETE of the same rows (on a copy)', Number(bare.result), bare.seconds);
    console.log('');
    console.log(`golden records removed ${purge.result.counts.goldenRecordsRemoved}, derived again ${purge.result.counts.goldenRecordsRecomputed}; purge / bare DELETE = ${ratio.toFixed(1)}`);
    console.log(JSON.stringify({ rows: purged, seconds: Number(purge.seconds.toFixed(3)), bare_delete_seconds: Number(bare.seconds.toFixed(3)), ratio: Number(ratio.toFixed(2)) }));
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
