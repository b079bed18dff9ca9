import { CUSTOMER_FIELDS, fieldLabel, type CustomerRecord } from '../../core/customer';
import type { ReviewDecision } from '../../core/review';
import type { Db } from '../../runtime/db';
import { findGoldenRecord } from '../../store/customers';
import { findMatchEvaluation, type MatchEvaluation } from '../../store/match-evaluations';
import { getSourceRecord } from '../../store/source-records';
import type { Task } from '../../store/tasks';
import type { ReviewPageModel } from './review-templates';

/** What each decision did, as the pages say it. */
export const DECISION_OUTCOMES: Record<ReviewDecision, string> = {
  merge: 'Merged',
  keepDistinct: 'Kept distinct',
  defer: 'Deferred',
};

/** Times as every reader sees them alike, whatever their machine's zone: 2026-11-25 11:04 UTC. */
export function formatTime(time: Date): string {
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The review page of a duplicate-review task: the incoming source record beside the candidate
 * golden record, and the decision form when `csrf` is given and the task is still open. */
export async function reviewPageModel(db: Db, task: Task, personEmail: string, csrf: string): Promise<ReviewPageModel> {
  if (!task.sourceRecordId || !task.customerId) {
    throw new Error(`task ${task.id} names no source record or no candidate golden record to review`);
  }
  const incoming = await getSourceRecord(db, task.sourceRecordId);
  const golden = await findGoldenRecord(db, task.customerId);
  if (!golden) throw new Error(`task ${task.id} names golden record ${task.customerId}, which does not exist`);
  const evaluation = task.matchEvaluationId ? await findMatchEvaluation(db, task.matchEvaluationId) : undefined;
  const open = task.status === 'open';
  return {
    task: { siteId: task.siteId, createdAt: formatTime(task.createdAt), dueAt: task.dueAt && formatTime(task.dueAt) },
    personEmail,
    rows: sideBySide(incoming.record ?? incoming.raw, golden.record),
    match: evaluation ? matchSummary(evaluation) : null,
    closed: open ? null : closedSummary(task),
    form: open ? { csrf } : null,
  };
}

function sideBySide(incoming: CustomerRecord, golden: CustomerRecord): ReviewPageModel['rows'] {
  return CUSTOMER_FIELDS.map((field) => ({
    label: fieldLabel(field),
    incoming: incoming[field] ?? '—',
    golden: golden[field] ?? '—',
    differs: (incoming[field] ?? '') !== (golden[field] ?? ''),
  }));
}

function matchSummary(evaluation: MatchEvaluation): NonNullable<ReviewPageModel['match']> {
  return {
    probability: `${(evaluation.probability * 100).toFixed(1)} %`,
    weight: evaluation.weight.toFixed(2),
    band: evaluation.band,
    comparisons: evaluation.explanation.map((comparison) => ({
      field: fieldLabel(comparison.field),
      comparator: comparison.comparator,
      level: comparison.level,
      weight: comparison.weight.toFixed(2),
    })),
  };
}

/** Who closed the task and when; an expired or cancelled task has no decider, so it says so. */
function closedSummary(task: Task): NonNullable<ReviewPageModel['closed']> {
  const outcome = DECISION_OUTCOMES[task.decision as ReviewDecision] ?? `Closed (${task.status})`;
  return {
    outcome,
    decidedBy: task.decidedBy ?? 'the platform',
    decidedAt: formatTime(task.decidedAt ?? task.updatedAt),
    via: task.decidedVia ?? '',
  };
}
