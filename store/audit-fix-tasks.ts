import type { Knex } from 'knex';
import { severityRank } from '../core/audits/merge-checks';
import type { AuditRunPlan } from './audit-runs';

export interface FixTaskChanges {
  created: number;
  updated: number;
  resolved: number;
}

/** Every failing (check, source record) of a run, read from its pages. */
const FAILING = `
  failing AS MATERIALIZED (
    SELECT p.check_id, u.id, u.reason
    FROM audit_check_pages p CROSS JOIN LATERAL unnest(p.failed_ids, p.failed_reasons) AS u(id, reason)
    WHERE p.run_id = :runId
  )`;

/** The open data-fix tasks audits opened at the site, one line per problem they hold. */
const OPEN_TASK_PROBLEMS = `
  open_task_problems AS (
    SELECT t.id AS task_id, t.details->>'subject' AS subject, pr->>'checkId' AS check_id, (pr->>'sourceRecordId')::uuid AS id
    FROM tasks t CROSS JOIN LATERAL jsonb_array_elements(t.details->'problems') AS pr
    WHERE t.site_id = :siteId AND t.type = 'data_fix' AND t.status = 'open' AND t.details->>'origin' = 'audit'
  )`;

/** The failing rows of the checks that call for fix tasks, with the customer they belong to (a
 * record waiting for review has none yet: it is its own subject). A record revised since the run
 * began may have been fixed after its page was read (the revision re-checked its open task itself):
 * it is left to the next run rather than reopen what the revision closed. */
const ELIGIBLE = `
  eligible AS (
    SELECT coalesce(s.customer_id::text, s.id::text) AS subject, s.customer_id, s.id AS source_record_id, f.check_id, f.reason,
           (:ranks::jsonb ->> f.check_id)::int AS rank
    FROM failing f JOIN source_records s ON s.id = f.id
    WHERE f.check_id = ANY(:eligibleChecks::text[]) AND (s.revised_at IS NULL OR s.revised_at < :runStartedAt::timestamptz)
  )`;

/** Brings the site's data-fix tasks in line with a completed run, in one transaction so a retry
 * changes nothing more: a task none of whose problems the run still finds resolves itself; an open
 * task gets the problems of its customer found now; customers with problems and no open task get
 * one task each, the most severe first, at most fixTasks.maxPerRun per run. The partial unique
 * index tasks_open_data_fix_subject makes a second open task for a customer impossible. */
export async function syncFixTasks(db: Knex, run: AuditRunPlan, eligibleChecks: readonly string[]): Promise<FixTaskChanges> {
  const ranks = Object.fromEntries(run.checks.map((check) => [check.id, severityRank(check.severity)]));
  const bindings = { runId: run.id, siteId: run.siteId, eligibleChecks: [...eligibleChecks], ranks: JSON.stringify(ranks), runStartedAt: run.context.asOf };
  return db.transaction(async (trx) => {
    const resolved = await trx.raw(
      `WITH ${FAILING}, ${OPEN_TASK_PROBLEMS},
       still_failing AS (SELECT DISTINCT o.task_id FROM open_task_problems o JOIN failing f ON f.check_id = o.check_id AND f.id = o.id)
       UPDATE tasks SET status = 'resolved', decision = 'fixed', decided_by = 'audit', decided_via = 'audit', decided_at = now(),
         updated_at = now(), details = details || jsonb_build_object('resolvedByRunId', :runId::text)
       WHERE id IN (SELECT task_id FROM open_task_problems) AND id NOT IN (SELECT task_id FROM still_failing)
       RETURNING id`,
      bindings,
    );
    const updated = await trx.raw(
      `WITH ${FAILING}, ${OPEN_TASK_PROBLEMS}, ${ELIGIBLE},
       current_problems AS (
         SELECT o.task_id, o.check_id, o.id AS source_record_id, f.reason FROM open_task_problems o JOIN failing f ON f.check_id = o.check_id AND f.id = o.id
         UNION
         SELECT o.task_id, e.check_id, e.source_record_id, e.reason FROM eligible e JOIN (SELECT DISTINCT task_id, subject FROM open_task_problems) o ON o.subject = e.subject
       )
       UPDATE tasks t SET updated_at = now(), details = t.details || jsonb_build_object('lastSeenRunId', :runId::text, 'problems',
         (SELECT jsonb_agg(jsonb_build_object('checkId', c.check_id, 'sourceRecordId', c.source_record_id, 'reason', c.reason) ORDER BY c.check_id, c.source_record_id)
          FROM current_problems c WHERE c.task_id = t.id))
       WHERE t.id IN (SELECT task_id FROM current_problems) AND t.details->>'lastSeenRunId' IS DISTINCT FROM :runId::text
       RETURNING t.id`,
      bindings,
    );
    const created = await trx.raw(
      `WITH ${FAILING}, ${ELIGIBLE},
       subjects AS (
         SELECT e.subject, (array_agg(e.customer_id))[1] AS customer_id,
                CASE WHEN bool_and(e.customer_id IS NULL) THEN (array_agg(e.source_record_id))[1] END AS source_record_id,
                max(e.rank) AS rank, count(*) AS problem_count,
                jsonb_agg(jsonb_build_object('checkId', e.check_id, 'sourceRecordId', e.source_record_id, 'reason', e.reason) ORDER BY e.check_id, e.source_record_id) AS problems
         FROM eligible e
         WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.site_id = :siteId AND t.type = 'data_fix' AND t.status = 'open' AND t.details->>'subject' = e.subject)
         GROUP BY e.subject
       ),
       room AS (
         SELECT greatest(0, :maxPerRun::int - count(*)) AS left_over FROM tasks
         WHERE site_id = :siteId AND type = 'data_fix' AND details->>'createdByRunId' = :runId::text
       )
       INSERT INTO tasks (site_id, type, idempotency_key, workflow_id, customer_id, source_record_id, details, rules_version)
       SELECT :siteId, 'data_fix', 'data_fix:' || :runId::text || ':' || s.subject, :workflowId, s.customer_id, s.source_record_id,
              jsonb_build_object('origin', 'audit', 'subject', s.subject, 'createdByRunId', :runId::text, 'lastSeenRunId', :runId::text, 'problems', s.problems),
              :rulesVersion
       FROM (SELECT * FROM subjects ORDER BY rank DESC, problem_count DESC, subject LIMIT (SELECT left_over FROM room)) s
       ON CONFLICT DO NOTHING
       RETURNING id`,
      { ...bindings, maxPerRun: run.fixTasks.maxPerRun, workflowId: run.workflowId, rulesVersion: run.rulesVersion },
    );
    return { created: created.rows.length, updated: updated.rows.length, resolved: resolved.rows.length };
  });
}
