import { Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import { hashedId } from '../core/retention/hash';
import { RETENTION_CATEGORIES, addPurgeCounts, emptyPurgeCounts, type PurgeCounts, type RetentionAction, type RetentionCategory } from '../core/retention/types';
import type { SiteRulesSource } from '../core/rules/types';
import type { Db } from '../runtime/db';
import { EXPIRED, countExpired, expiredPage } from '../store/expired-data';
import { redactChangeLogEntries, removeSourceRecords } from '../store/personal-data';
import { claimPurgePage, findPurgeRun, finishPurgeRun, openPurgeRun, purgePages, recordPurgePage, type PurgeRun } from '../store/purges';
import { purgePlan } from '../core/retention/plan';
import { rememberRuleVersion } from '../store/rule-versions';
import { refreshGoldenRecords } from './golden-refresh';

export interface PurgePageInput {
  purgeId: string;
  category: RetentionCategory;
  page: number;
  afterKey: string | null;
  pageSize: number;
}

export interface PurgePageResult {
  done: boolean;
  lastKey: string | null;
  purged: number;
}

export function createPurgeActivities({ db, rules }: { db: Db; rules: SiteRulesSource }) {
  const runOf = async (purgeId: string): Promise<PurgeRun> => {
    const run = await findPurgeRun(db, purgeId);
    if (!run) throw new Error(`no purge ${purgeId}`);
    return run;
  };

  return {
    /** Opens the purge log of a purge a schedule started, under the site's rules in force now;
     * once per workflow id, so a retry finds the same log. */
    async openScheduledPurge({ siteId, dryRun, workflowId }: { siteId: string; dryRun: boolean; workflowId: string }): Promise<string> {
      const versioned = rules.forSite(siteId);
      if (!versioned) throw new Error(`no rules for site ${siteId}`);
      await rememberRuleVersion(db, siteId, versioned);
      const run = await openPurgeRun(db, { siteId, workflowId, dryRun, rulesVersion: versioned.version, plan: purgePlan(versioned, new Date()), startedBy: 'schedule' });
      return run.id;
    },

    /** Purges one page of one category in one transaction, which also records the page as done:
     * a retry after a crash either finds nothing committed and does the page, or finds the record
     * and returns it, so no page is processed twice. */
    async purgePage(input: PurgePageInput): Promise<PurgePageResult> {
      const run = await runOf(input.purgeId);
      const plan = run.plan[input.category];
      return whileHeartbeating(() => db.transaction(async (trx) => {
        const claim = await claimPurgePage(trx, run.id, input.category, input.page);
        if (!claim.claimed) return { done: claim.record.done, lastKey: claim.record.lastKey, purged: claim.record.counts[input.category] ?? 0 };
        const rows = await expiredPage(trx, input.category, run.siteId, plan, input.afterKey, input.pageSize);
        const keys = rows.map((row) => EXPIRED[input.category].keyOf(row));
        const counts = await purgeRows(trx, rules, input.category, plan.action, keys, run.workflowId);
        const done = rows.length < input.pageSize;
        const lastKey = keys.length > 0 ? keys[keys.length - 1] : input.afterKey;
        await recordPurgePage(trx, run.id, { category: input.category, page: input.page, lastKey, counts, done, hashedIds: keys.map(hashedId) });
        return { done, lastKey, purged: keys.length };
      }));
    },

    /** Totals the pages into the purge log, with what legal holds kept back. */
    async finishPurge({ purgeId, status }: { purgeId: string; status: 'completed' | 'failed' }): Promise<Partial<PurgeCounts>> {
      const run = await runOf(purgeId);
      let counts = emptyPurgeCounts();
      for (const page of await purgePages(db, purgeId)) counts = addPurgeCounts(counts, page.counts);
      for (const category of RETENTION_CATEGORIES) {
        counts.skippedUnderHold += (await countExpired(db, category, run.siteId, run.plan[category])).held;
      }
      await finishPurgeRun(db, purgeId, status, counts);
      return counts;
    },

    /** What a purge would do now, changing nothing but the purge log. */
    async dryRunPurge({ purgeId }: { purgeId: string }): Promise<Partial<PurgeCounts>> {
      const run = await runOf(purgeId);
      const counts = emptyPurgeCounts();
      for (const category of RETENTION_CATEGORIES) {
        const { expired, held } = await countExpired(db, category, run.siteId, run.plan[category]);
        counts[category] = expired;
        counts.skippedUnderHold += held;
      }
      Object.assign(counts, await goldenRecordsAffected(db, run));
      await finishPurgeRun(db, purgeId, 'completed', counts);
      return counts;
    },
  };
}

/** Heartbeats while a page's transaction runs, so a worker that dies in the middle of a page is
 * noticed within the heartbeat timeout rather than the page's whole time limit. */
async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  const context = currentActivity();
  const beat = setInterval(() => context?.heartbeat(), 1000);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}

/** The activity context, or undefined when called outside an activity (the purge benchmark). */
function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

async function purgeRows(
  trx: Knex.Transaction,
  rules: SiteRulesSource,
  category: RetentionCategory,
  action: RetentionAction,
  keys: string[],
  actor: string,
): Promise<Partial<PurgeCounts>> {
  if (keys.length === 0) return {};
  switch (category) {
    case 'sourceRecords': {
      const customerIds = await removeSourceRecords(trx, keys, action, actor);
      const { recomputed, removed } = await refreshGoldenRecords(trx, rules, customerIds, actor);
      return { sourceRecords: keys.length, goldenRecordsRecomputed: recomputed, goldenRecordsRemoved: removed };
    }
    case 'importRows': {
      const pairs = keys.map((key) => key.split('/')).map(([importId, line]) => [importId, Number(line)]);
      const rows = trx('import_rows').whereIn(['import_id', 'line_number'], pairs);
      if (action === 'delete') await rows.delete();
      else await rows.update({ record: '{}', reason: null, source_id: trx.raw(`'anonymised:' || line_number`) });
      return { importRows: keys.length };
    }
    case 'changeLog':
      return { changeLog: await redactChangeLogEntries(trx, keys, actor) };
  }
}

/** Golden records the expired source records feed: derived again if they keep other source
 * records, removed if not. */
async function goldenRecordsAffected(db: Db, run: PurgeRun): Promise<Pick<PurgeCounts, 'goldenRecordsRecomputed' | 'goldenRecordsRemoved'>> {
  const expired = EXPIRED.sourceRecords.expired(db, run.siteId, run.plan.sourceRecords);
  const affected = expired.clone().clearSelect().whereNotNull('s.customer_id').distinct('s.customer_id');
  const [{ n: total }] = await db.from(affected.clone().as('a')).count('* as n');
  const [{ n: kept }] = await db('source_records as k')
    .whereIn('k.customer_id', affected.clone())
    .whereNotIn('k.id', expired.clone())
    .countDistinct('k.customer_id as n');
  return { goldenRecordsRecomputed: Number(kept), goldenRecordsRemoved: Number(total) - Number(kept) };
}
