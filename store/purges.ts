import type { Knex } from 'knex';
import type { PurgeCounts, RetentionCategory } from '../core/retention/types';
import type { PurgePlan } from '../core/retention/plan';

type Queryable = Knex | Knex.Transaction;

export type { PurgePlan };

export interface PurgeRun {
  id: string;
  siteId: string;
  workflowId: string;
  dryRun: boolean;
  status: 'running' | 'completed' | 'failed';
  rulesVersion: string;
  plan: PurgePlan;
  counts: Partial<PurgeCounts>;
  startedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface PurgePageRecord {
  category: RetentionCategory;
  page: number;
  lastKey: string | null;
  counts: Partial<PurgeCounts>;
  done: boolean;
  hashedIds: string[];
}

/** The purge log of a workflow, opened once: a retried opening returns the first. */
export async function openPurgeRun(
  db: Queryable,
  run: { siteId: string; workflowId: string; dryRun: boolean; rulesVersion: string; plan: PurgePlan; startedBy: string },
): Promise<PurgeRun> {
  await db('purge_runs')
    .insert({
      site_id: run.siteId,
      workflow_id: run.workflowId,
      dry_run: run.dryRun,
      rules_version: run.rulesVersion,
      plan: JSON.stringify(run.plan),
      started_by: run.startedBy,
    })
    .onConflict('workflow_id')
    .ignore();
  return fromRow(await db('purge_runs').where({ workflow_id: run.workflowId }).first());
}

export async function findPurgeRun(db: Queryable, id: string): Promise<PurgeRun | undefined> {
  const row = await db('purge_runs').where({ id }).first();
  return row ? fromRow(row) : undefined;
}

/** Claims a page inside the transaction that purges it. Undefined means the page was claimed
 * (and so finished: the claim commits with the page's changes) before: its record is returned. */
export async function claimPurgePage(
  trx: Knex.Transaction,
  purgeId: string,
  category: RetentionCategory,
  page: number,
): Promise<{ claimed: true } | { claimed: false; record: PurgePageRecord }> {
  const inserted = await trx('purge_pages')
    .insert({ purge_id: purgeId, category, page, counts: '{}' })
    .onConflict(['purge_id', 'category', 'page'])
    .ignore()
    .returning('page');
  if (inserted.length > 0) return { claimed: true };
  const row = await trx('purge_pages').where({ purge_id: purgeId, category, page }).first();
  return { claimed: false, record: pageFromRow(row) };
}

export async function recordPurgePage(trx: Knex.Transaction, purgeId: string, record: PurgePageRecord): Promise<void> {
  await trx('purge_pages')
    .where({ purge_id: purgeId, category: record.category, page: record.page })
    .update({ last_key: record.lastKey, counts: JSON.stringify({ ...record.counts, done: record.done }), hashed_ids: record.hashedIds });
}

export async function purgePages(db: Queryable, purgeId: string): Promise<PurgePageRecord[]> {
  const rows = await db('purge_pages').where({ purge_id: purgeId }).orderBy(['category', 'page']);
  return rows.map(pageFromRow);
}

export async function finishPurgeRun(db: Queryable, id: string, status: 'completed' | 'failed', counts: Partial<PurgeCounts>): Promise<void> {
  await db('purge_runs').where({ id, status: 'running' }).update({ status, counts: JSON.stringify(counts), finished_at: db.fn.now() });
}

function pageFromRow(row: Record<string, any>): PurgePageRecord {
  const { done, ...counts } = row.counts as Partial<PurgeCounts> & { done?: boolean };
  return { category: row.category, page: row.page, lastKey: row.last_key, counts, done: done ?? false, hashedIds: row.hashed_ids };
}

function fromRow(row: Record<string, any>): PurgeRun {
  return {
    id: row.id,
    siteId: row.site_id,
    workflowId: row.workflow_id,
    dryRun: row.dry_run,
    status: row.status,
    rulesVersion: row.rules_version,
    plan: row.plan,
    counts: row.counts,
    startedBy: row.started_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
