/** Impact-preview benchmark, audit part: generates a site of customers with planted defects (the
 * audit benchmark's generator), then times the audit part of the preview (both sides' checks in
 * the engine's SQL, then the fix-task counts, read-only) for a draft that raises the email
 * threshold and adds a phone check, at several sample sizes up to the whole site. The last line is
 * one JSON object.
 *
 *   npm run bench:rule-impact-audits [-- --rows 1000000]
 */
import path from 'node:path';
import type { AuditCheck } from '../core/audits/types';
import type { SiteRules } from '../core/rules/types';
import { rulesFromFiles } from '../runtime/rule-files';
import { auditsImpact } from '../services/rule-impact';
import { generateSite } from './audit';
import { openBenchDatabase } from './bench-database';

const SITE = 'fr-paris-hq';
const SAMPLES = [5_000, 50_000];
/** No time budget here: the point is to see how long each size takes. */
const NO_DEADLINE_MS = 3_600_000;

const PHONE_CHECK: AuditCheck = { id: 'completeness-phone', type: 'completeness', description: 'A phone number is present', fields: ['phone'], threshold: 0.995, severity: 'high' };

function stricterDraft(rules: SiteRules): SiteRules {
  const checks = rules.audits.checks.map((check) => (check.id === 'validity-email' ? { ...check, threshold: 0.999 } : check));
  return { ...rules, audits: { ...rules.audits, checks: [...checks, PHONE_CHECK] } };
}

async function main(): Promise<void> {
  const rowsArgument = process.argv.indexOf('--rows');
  const rows = rowsArgument >= 0 ? Number(process.argv[rowsArgument + 1]) : 1_000_000;
  if (!Number.isInteger(rows) || rows < 100) throw new Error('--rows must be a whole number of at least 100');
  const current = rulesFromFiles(path.join(__dirname, '..', 'rules')).forSite(SITE)!.rules;
  const draft = stricterDraft(current);
  const database = await openBenchDatabase();
  try {
    const { db } = database;
    console.log(`audit part of the impact preview over ${rows.toLocaleString('en')} source records of ${SITE} (${database.description})`);
    console.log(`draft: validity-email 0.995 -> 0.999, completeness-phone added; ${current.audits.checks.length + draft.audits.checks.length} checks per row`);
    await generateSite(db, rows);
    await db.raw('SELECT count(*) FROM source_records'); // warm the cache alike for every size
    console.log('');
    console.log(`${'sample'.padStart(10)} ${'examined'.padStart(10)} ${'seconds'.padStart(8)}  email now -> draft   phone (added)`);
    const results: Array<{ sample: number; seconds: number }> = [];
    for (const sample of [...SAMPLES.filter((size) => size < rows), rows]) {
      const start = process.hrtime.bigint();
      const impact = await auditsImpact(db, SITE, current, draft, sample, Date.now() + NO_DEADLINE_MS);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (!impact.changed || !impact.computed) throw new Error('the audit impact was not computed');
      const email = impact.checks.find((check) => check.checkId === 'validity-email')!;
      const phone = impact.checks.find((check) => check.checkId === PHONE_CHECK.id)!;
      const verdict = (passed: boolean | undefined) => (passed ? 'pass' : 'fail');
      console.log(
        `${sample.toLocaleString('en').padStart(10)} ${impact.examined.toLocaleString('en').padStart(10)} ${seconds.toFixed(2).padStart(8)}  ${verdict(email.now?.passed)} -> ${verdict(email.draft?.passed)} (${email.draft?.failedPercent}%)   ${phone.draft?.rowsFailed} of ${phone.draft?.rowsChecked} fail`,
      );
      results.push({ sample, seconds: Math.round(seconds * 1000) / 1000 });
    }
    console.log(JSON.stringify({ rows, checks_per_row: current.audits.checks.length + draft.audits.checks.length, results }));
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
