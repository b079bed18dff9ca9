import type { Knex } from 'knex';
import type { SiteRules } from '../core/rules/types';
import { failingChecksOf, type FailingCheck } from './audit-rows';
import { appendChange } from './change-log';

/** A problem of a data-fix task as audits store it in details.problems. */
type Problem = FailingCheck;

export interface RevisedRecord {
  siteId: string;
  sourceRecordId: string;
  customerId: string | null;
}

export interface RecheckContext {
  rules: SiteRules;
  rulesVersion: string;
  /** who revised the record (a user id): decides what the revision resolves */
  actor: string;
  /** the revision's key: a repeat writes no second change-log entry */
  idempotencyKey: string;
}

export interface RecheckOutcome {
  /** tasks none of whose problems remain: resolved by the revision */
  resolved: string[];
  /** tasks some of whose problems remain: still open, with only those */
  narrowed: string[];
}

/**
 * After a revision of a source record: the open audit data-fix tasks of its customer (or of the
 * record itself, when it had no customer when audited), each problem checked again on its record
 * with the check as the rules in force define it now, the same SQL an audit page runs. A task none
 * of whose problems remain resolves itself as after an audit; one with some left keeps only those.
 * Runs in the revision's transaction, so the task and the record change together.
 */
export async function recheckFixTasksOfRecord(trx: Knex.Transaction, record: RevisedRecord, context: RecheckContext): Promise<RecheckOutcome> {
  const subjects = [record.sourceRecordId, ...(record.customerId ? [record.customerId] : [])];
  const tasks: Array<{ id: string; details: { problems?: Problem[] } }> = await trx('tasks')
    .where({ site_id: record.siteId, type: 'data_fix', status: 'open' })
    .whereRaw(`details->>'origin' = 'audit'`)
    .where((query) =>
      query
        .whereRaw(`details->>'subject' = ANY(?::text[])`, [subjects])
        .orWhereRaw(`details->'problems' @> ?::jsonb`, [JSON.stringify([{ sourceRecordId: record.sourceRecordId }])]),
    )
    .orderBy('id')
    .forUpdate()
    .select('id', 'details');
  const outcome: RecheckOutcome = { resolved: [], narrowed: [] };
  // one statement for the problems of every task
  const stillFailing = await problemsRemaining(trx, record.siteId, tasks.flatMap((task) => task.details.problems ?? []), context.rules);
  for (const task of tasks) {
    const problems = task.details.problems ?? [];
    const remaining = stillFailing.filter((found) => problems.some((problem) => sameProblem(problem, found)));
    if (remaining.length === problems.length) continue;
    const fixed = problems.filter((problem) => !remaining.some((left) => sameProblem(left, problem)));
    const entry = { entityType: 'task' as const, entityId: task.id, siteId: record.siteId, actor: context.actor, rulesVersion: context.rulesVersion };
    if (remaining.length === 0) {
      await trx('tasks')
        .where({ id: task.id })
        .update({
          status: 'resolved',
          decision: 'fixed',
          decided_by: context.actor,
          decided_via: 'revision',
          decided_at: trx.fn.now(),
          updated_at: trx.fn.now(),
          details: trx.raw(`details || jsonb_build_object('resolvedBySourceRecordId', ?::text)`, [record.sourceRecordId]),
        });
      await appendChange(trx, {
        ...entry,
        action: 'resolved',
        before: { status: 'open', problems },
        after: { status: 'resolved', decision: 'fixed', via: 'revision', sourceRecordId: record.sourceRecordId },
        idempotencyKey: `${context.idempotencyKey}:${task.id}:resolved`,
      });
      outcome.resolved.push(task.id);
    } else {
      await trx('tasks')
        .where({ id: task.id })
        .update({ updated_at: trx.fn.now(), details: trx.raw(`details || jsonb_build_object('problems', ?::jsonb)`, [JSON.stringify(remaining)]) });
      await appendChange(trx, {
        ...entry,
        action: 'problems fixed',
        before: { problems },
        after: { problems: remaining, fixed, via: 'revision', sourceRecordId: record.sourceRecordId },
        idempotencyKey: `${context.idempotencyKey}:${task.id}:narrowed`,
      });
      outcome.narrowed.push(task.id);
    }
  }
  return outcome;
}

/** The problems their records still have under the rules given, with today's reasons. A
 * check the rules no longer hold is no problem any more, as for an audit under those rules. */
async function problemsRemaining(trx: Knex.Transaction, siteId: string, problems: readonly Problem[], rules: SiteRules): Promise<Problem[]> {
  if (problems.length === 0) return [];
  const checkIds = new Set(problems.map((problem) => problem.checkId));
  const checks = rules.audits.checks.filter((check) => checkIds.has(check.id));
  const failing = await failingChecksOf(
    trx,
    siteId,
    checks,
    { asOf: new Date(), fields: rules.fields, defaultCountry: rules.normalisation.defaultCountry },
    [...new Set(problems.map((problem) => problem.sourceRecordId))],
  );
  return failing.filter((found) => problems.some((problem) => sameProblem(problem, found)));
}

function sameProblem(a: Problem, b: Problem): boolean {
  return a.checkId === b.checkId && a.sourceRecordId === b.sourceRecordId;
}
