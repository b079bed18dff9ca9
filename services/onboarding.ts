import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { CUSTOMER_FIELDS, isCustomerField, type CustomerRecord, type RecordProblem } from '../core/customer';
import type { OnboardingOutcome } from '../core/onboarding';
import { validateRecord } from '../core/records/validate';
import type { SiteRules } from '../core/rules/types';
import { workflowIds } from '../core/workflow-ids';
import type { Db } from '../runtime/db';
import { appendChange } from '../store/change-log';
import { receiveSourceRecord, recordHash, type SourceRecord } from '../store/source-records';
import { conflict, unprocessable } from '../api/errors';

export interface Submission {
  siteId: string;
  sourceSystem: string;
  sourceId: string;
  record: CustomerRecord;
}

export interface OnboardingStatus {
  workflowId: string;
  sourceRecordId: string;
  status: 'completed' | 'running' | 'failed';
  outcome: OnboardingOutcome | null;
}

const MAX_KEY_LENGTH = 200;

/** Reads a submission from a request body and checks its record against the site's rules;
 * throws 422 listing every problem, of the envelope and of each field, at once. */
export function parseSubmission(siteId: string, body: unknown, rules: SiteRules): Submission {
  const problems: RecordProblem[] = [];
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  for (const key of ['sourceSystem', 'sourceId'] as const) {
    const value = input[key];
    if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_KEY_LENGTH) {
      problems.push({ field: key, rule: 'required', expected: `a non-empty string of at most ${MAX_KEY_LENGTH} characters` });
    }
  }
  const record: CustomerRecord = {};
  const rawRecord = input.record;
  if (typeof rawRecord !== 'object' || rawRecord === null || Array.isArray(rawRecord)) {
    problems.push({ field: 'record', rule: 'required', expected: 'an object with the customer fields' });
  } else {
    for (const [field, value] of Object.entries(rawRecord)) {
      if (!isCustomerField(field)) {
        problems.push({ field: `record.${field}`, rule: 'unknown_field', expected: `one of ${CUSTOMER_FIELDS.join(', ')}` });
      } else if (typeof value === 'string' && value.trim() !== '') {
        record[field] = value;
      } else if (value !== null && value !== undefined && value !== '') {
        problems.push({ field: `record.${field}`, rule: 'type', expected: 'a string' });
      }
    }
    for (const problem of validateRecord(record, rules)) problems.push({ ...problem, field: `record.${problem.field}` });
  }
  if (problems.length > 0) throw unprocessable(`the submission has ${problems.length} problem(s)`, { problems });
  return { siteId, sourceSystem: String(input.sourceSystem).trim(), sourceId: String(input.sourceId).trim(), record };
}

/** Stores the record and starts its onboarding workflow, once per (site, system, source id); waits
 * up to `waitMs` for the outcome. A repeat with the same content returns the first outcome. */
export async function submitRecord(
  deps: { db: Db; client: Client; taskQueue: string },
  submission: Submission,
  actor: string,
  waitMs: number,
): Promise<{ created: boolean; status: OnboardingStatus }> {
  const workflowId = workflowIds.onboarding(submission.siteId, submission.sourceSystem, submission.sourceId);
  const { sourceRecord, created } = await receiveSubmission(deps.db, submission, actor);
  if (!created && sourceRecord.rawHash !== recordHash(submission.record)) {
    throw conflict(
      `source record ${submission.sourceSystem}/${submission.sourceId} of site ${submission.siteId} was already received with other content; send new content with PUT /api/sites/${submission.siteId}/customers/${submission.sourceSystem}/${submission.sourceId}`,
      { sourceRecordId: sourceRecord.id, workflowId },
    );
  }
  await startOnboarding(deps, sourceRecord);
  return { created, status: await waitForOutcome(deps, sourceRecord, waitMs) };
}

/** Stores a submission once per (site, system, source id), with its lineage entry; `created` is
 * false when it was there already (the stored one is returned). The API and imports share it.
 * `receivedBy` is the user behind it (four-eyes rules keep that user from deciding its review). */
export async function receiveSubmission(
  db: Db,
  submission: Submission,
  actor: string,
  receivedBy = actor,
): Promise<{ sourceRecord: SourceRecord; created: boolean }> {
  const workflowId = workflowIds.onboarding(submission.siteId, submission.sourceSystem, submission.sourceId);
  return db.transaction(async (trx) => {
    const received = await receiveSourceRecord(trx, submission, submission.record, workflowId, receivedBy);
    if (received.created) {
      await appendChange(trx, {
        entityType: 'source_record',
        entityId: received.sourceRecord.id,
        siteId: submission.siteId,
        action: 'received',
        after: submission.record,
        actor,
        idempotencyKey: `${received.sourceRecord.id}:received`,
      });
    }
    return received;
  });
}

async function startOnboarding(deps: { client: Client; taskQueue: string }, sourceRecord: SourceRecord): Promise<void> {
  if (sourceRecord.outcome) return;
  try {
    await deps.client.workflow.start('onboarding', {
      taskQueue: deps.taskQueue,
      workflowId: sourceRecord.workflowId ?? '',
      args: [{ sourceRecordId: sourceRecord.id }],
    });
  } catch (error) {
    // a repeat, or a retry after a crash between storing and starting: the first run stands
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

async function waitForOutcome(deps: { db: Db; client: Client }, sourceRecord: SourceRecord, waitMs: number): Promise<OnboardingStatus> {
  const workflowId = sourceRecord.workflowId ?? '';
  if (sourceRecord.outcome) return { workflowId, sourceRecordId: sourceRecord.id, status: 'completed', outcome: sourceRecord.outcome };
  const handle = deps.client.workflow.getHandle(workflowId);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)));
  try {
    const outcome = await Promise.race([handle.result() as Promise<OnboardingOutcome>, timeout]);
    if (outcome) return { workflowId, sourceRecordId: sourceRecord.id, status: 'completed', outcome };
  } catch {
    return onboardingStatus(deps, sourceRecord);
  } finally {
    clearTimeout(timer);
  }
  return { workflowId, sourceRecordId: sourceRecord.id, status: 'running', outcome: null };
}

/** The state of an onboarding: the outcome once stored, otherwise what Temporal says. */
export async function onboardingStatus(deps: { client: Client }, sourceRecord: SourceRecord): Promise<OnboardingStatus> {
  const workflowId = sourceRecord.workflowId ?? '';
  const base = { workflowId, sourceRecordId: sourceRecord.id };
  if (sourceRecord.outcome) return { ...base, status: 'completed', outcome: sourceRecord.outcome };
  const description = await deps.client.workflow.getHandle(workflowId).describe();
  const failed = ['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT'].includes(description.status.name);
  return { ...base, status: failed ? 'failed' : 'running', outcome: null };
}
