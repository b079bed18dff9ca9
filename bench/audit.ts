/** Audit benchmark: generates a site of customers with a known share of each defect (in SQL, with
 * generate_series), runs a full audit of it through the audit activities (the code the workflow
 * runs, page by page), and prints the time, its ratio to one SELECT count(*) over the same table,
 * and what each check found against what was planted. The last line is one JSON object.
 *
 *   npm run bench:audit [-- --rows 1000000]
 */
import path from 'node:path';
import { auditInProcess, createAuditActivities } from '../activities/audits';
import { AUDIT_PAGE_SIZE } from '../core/audits/paging';
import type { Db } from '../runtime/db';
import { rulesFromFiles } from '../runtime/rule-files';
import type { SiteRulesSource } from '../core/rules/types';
import { getAuditRun } from '../store/audit-runs';
import { openBenchDatabase } from './bench-database';

const SITE = 'fr-paris-hq';
/** Every defect is planted in the rows whose number ends in its residue (mod 100): 1% each. */
const SHARE = 100;

interface Defect {
  residue: number;
  what: string;
  /** the checks the defect fails */
  fails: string[];
  /** the checks that do not read such a row (the field is absent) */
  skips?: string[];
}

const DEFECTS: Defect[] = [
  { residue: 1, what: 'no given name', fails: ['completeness-identity', 'conformity-site-rules'] },
  { residue: 2, what: 'malformed email', fails: ['validity-email'] },
  { residue: 3, what: 'phone in national form', fails: ['validity-phone', 'consistency-phone-country'] },
  { residue: 4, what: 'German phone, French customer', fails: ['consistency-phone-country'] },
  { residue: 5, what: 'postcode of 4 digits', fails: ['validity-postcode'], skips: ['consistency-postcode-city'] },
  { residue: 6, what: 'Lyon with a Paris postcode', fails: ['consistency-postcode-city'] },
  { residue: 7, what: 'no such date (30 February)', fails: ['validity-birth-date'] },
  { residue: 8, what: 'born in 1890', fails: ['validity-birth-date'] },
  { residue: 9, what: 'waiting for a duplicate review', fails: ['uniqueness-open-duplicates'] },
  { residue: 10, what: 'not updated for 30 months', fails: ['freshness-24-months'] },
  { residue: 11, what: 'national id not a NIR', fails: ['conformity-site-rules'] },
  { residue: 12, what: 'no email, no phone', fails: ['completeness-contact', 'conformity-site-rules'], skips: ['validity-email', 'validity-phone', 'consistency-phone-country'] },
];

const is = (residue: number) => `i % ${SHARE} = ${residue}`;

/** Customers and their source records, normalised as onboarding stores them, defects planted. */
export async function generateSite(db: Db, rows: number): Promise<void> {
  const customerId = `('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid`;
  await db.raw(
    `INSERT INTO customers (id, home_site_id, record, provenance, rules_version)
     SELECT ${customerId}, ?, '{}', '{}', 'bench' FROM generate_series(1, ?) AS i WHERE NOT (${is(9)})`,
    [SITE, rows],
  );
  await db.raw(
    `INSERT INTO source_records (site_id, source_system, source_id, status, customer_id, raw, raw_hash, record, rules_version, updated_at)
     SELECT ?, 'bench', i::text,
       CASE WHEN ${is(9)} THEN 'pending_review' ELSE 'linked' END,
       CASE WHEN ${is(9)} THEN NULL ELSE ${customerId} END,
       '{}', 'bench',
       jsonb_strip_nulls(jsonb_build_object(
         'givenName', CASE WHEN ${is(1)} THEN NULL ELSE 'Given' || i END,
         'familyName', 'Family' || i,
         'country', 'FR',
         'email', CASE WHEN ${is(2)} THEN 'c' || i || '(at)example.fr' WHEN ${is(12)} THEN NULL ELSE 'c' || i || '@example.fr' END,
         'phone', CASE WHEN ${is(3)} THEN '06' || lpad((i % 100000000)::text, 8, '0')
                       WHEN ${is(4)} THEN '+49151' || lpad((i % 100000000)::text, 8, '0')
                       WHEN ${is(12)} THEN NULL
                       ELSE '+336' || lpad((i % 100000000)::text, 8, '0') END,
         'postcode', CASE WHEN ${is(5)} THEN '7500' ELSE '750' || lpad((1 + i % 20)::text, 2, '0') END,
         'city', CASE WHEN ${is(6)} THEN 'Lyon' ELSE 'Paris' END,
         'birthDate', CASE WHEN ${is(7)} THEN '2023-02-30' WHEN ${is(8)} THEN '1890-01-01' ELSE (date '1940-01-01' + (i % 20000))::text END,
         'nationalId', CASE WHEN ${is(11)} THEN 'XYZ' END)),
       'bench',
       CASE WHEN ${is(10)} THEN now() - interval '30 months' ELSE now() END
     FROM generate_series(1, ?) AS i`,
    [SITE, rows],
  );
  await db.raw('ANALYZE customers');
  await db.raw('ANALYZE source_records');
}

/** Rows of 1..rows whose number ends in the residue. */
function rowsWithResidue(rows: number, residue: number): number {
  return Math.floor((rows - residue) / SHARE) + 1;
}

function known(rows: number, checkId: string): { checked: number; failed: number } {
  let failed = 0;
  let skipped = 0;
  for (const defect of DEFECTS) {
    if (defect.fails.includes(checkId)) failed += rowsWithResidue(rows, defect.residue);
    if (defect.skips?.includes(checkId)) skipped += rowsWithResidue(rows, defect.residue);
  }
  return { checked: rows - skipped, failed };
}

/** The whole audit as the workflow runs it: begin, every page, score, fix tasks, finish. */
async function auditSite(db: Db, rules: SiteRulesSource): Promise<{ runId: string; pages: number; fixTasks: { created: number } }> {
  const activities = createAuditActivities({ db, rules, heartbeat: () => undefined });
  const audit = await auditInProcess(activities, { siteId: SITE, workflowId: `audit:${SITE}:bench`, pageSize: AUDIT_PAGE_SIZE }, (rows) =>
    process.stderr.write(`\r  ${rows} rows audited`),
  );
  process.stderr.write('\n');
  return audit;
}

async function seconds<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e9];
}

async function main(): Promise<void> {
  const rowsArgument = process.argv.indexOf('--rows');
  const rows = rowsArgument >= 0 ? Number(process.argv[rowsArgument + 1]) : 1_000_000;
  if (!Number.isInteger(rows) || rows < SHARE) throw new Error(`--rows must be a whole number of at least ${SHARE}`);
  const rules = rulesFromFiles(path.join(__dirname, '..', 'rules'));
  const database = await openBenchDatabase();
  try {
    const { db } = database;
    console.log(`audit of ${rows.toLocaleString('en')} source records of ${SITE} (${database.description}), pages of ${AUDIT_PAGE_SIZE.toLocaleString('en')}`);
    const [, generateSeconds] = await seconds(() => generateSite(db, rows));
    console.log(`generated in ${generateSeconds.toFixed(1)} s: ${DEFECTS.length} defects, each in 1% of the rows`);
    await db.raw('SELECT count(*) FROM source_records'); // warm the cache alike for both timings
    const [audit, auditSeconds] = await seconds(() => auditSite(db, rules));
    const [, scanSeconds] = await seconds(() => db.raw('SELECT count(*) FROM source_records'));
    const run = (await getAuditRun(db, audit.runId))!;

    console.log('');
    console.log(`${'check'.padEnd(28)} ${'checked'.padStart(9)} ${'failed'.padStart(8)} ${'planted'.padStart(8)}  pass  ok`);
    let detectedOk = true;
    for (const score of run.scorecard) {
      const expected = known(rows, score.checkId);
      const ok = expected.checked === score.rowsChecked && expected.failed === score.rowsFailed;
      detectedOk &&= ok;
      console.log(
        `${score.checkId.padEnd(28)} ${String(score.rowsChecked).padStart(9)} ${String(score.rowsFailed).padStart(8)} ${String(expected.failed).padStart(8)}  ${(score.passed ? 'yes' : 'no').padEnd(4)}  ${ok ? 'yes' : `NO (expected ${expected.checked} checked)`}`,
      );
    }
    console.log('');
    console.log(`audit ${auditSeconds.toFixed(1)} s over ${audit.pages} pages (${((auditSeconds * 1e6) / rows).toFixed(1)} µs per row); data-fix tasks opened ${audit.fixTasks.created}`);
    console.log(`SELECT count(*) over the same table ${scanSeconds.toFixed(3)} s; ratio ${(auditSeconds / scanSeconds).toFixed(1)}`);
    console.log(
      JSON.stringify({
        rows,
        seconds: round(auditSeconds),
        scan_seconds: round(scanSeconds),
        ratio: round(auditSeconds / scanSeconds),
        detected_ok: detectedOk,
      }),
    );
  } finally {
    await database.close();
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
