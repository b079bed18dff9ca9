import { ApplicationFailure, Context } from '@temporalio/activity';
import type { RecordProblem } from '../core/customer';
import type { ImportRowOutcome } from '../core/imports/import';
import { runOnboarding, type OnboardingSteps } from '../core/onboarding';
import { workflowIds } from '../core/workflow-ids';
import type { Db } from '../runtime/db';
import { receiveSubmission } from '../services/onboarding';
import { findImport, importRowsAfter, markImportFinished, recordRowOutcome, setRowSourceRecord, type StoredImportRow } from '../store/imports';
import { recordHash } from '../store/source-records';
import { createOnboardingActivities, type OnboardingDeps } from './onboarding';

export interface ImportPageInput {
  importId: string;
  /** the last line processed before this page (0 at the start) */
  afterLine: number;
  pageSize: number;
}

export interface ImportPageResult {
  lastLine: number;
  /** no rows are left after this page */
  done: boolean;
}

/** Why a row is refused when its source id was received before with other content: the first
 * content stands, as for a repeat through the API. */
const CHANGED_CONTENT: RecordProblem = {
  field: 'source_id',
  rule: 'changed_content',
  expected: 'the content first received under this source id; send changes under a new source id',
};

interface ImportContext {
  importId: string;
  siteId: string;
  sourceSystem: string;
  /** the import workflow id: every change an import makes names it */
  actor: string;
  /** the user who started the import */
  createdBy: string;
}

/** Bulk import activities: each row goes through the same onboarding steps as the onboarding
 * workflow, called in-process, so a page of rows costs one activity, not five per row. */
export function createImportActivities(deps: OnboardingDeps) {
  const { db } = deps;
  const steps = createOnboardingActivities(deps);

  return {
    async processImportPage({ importId, afterLine, pageSize }: ImportPageInput): Promise<ImportPageResult> {
      const stored = await findImport(db, importId);
      if (!stored) throw ApplicationFailure.nonRetryable(`no import ${importId}`, 'UnknownImport');
      const context: ImportContext = { importId, siteId: stored.siteId, sourceSystem: stored.sourceSystem, actor: workflowIds.import(importId), createdBy: stored.createdBy };
      const rows = await importRowsAfter(db, importId, afterLine, pageSize);
      for (const row of rows) {
        // a row with an outcome was done by an earlier attempt of this page
        if (row.outcome === null) {
          const { outcome, problems } = await importRow(db, steps, context, row);
          await recordRowOutcome(db, importId, row.line, outcome, problems);
        }
        Context.current().heartbeat({ line: row.line });
      }
      return { lastLine: rows.at(-1)?.line ?? afterLine, done: rows.length < pageSize };
    },

    async finishImport({ importId, status }: { importId: string; status: 'completed' | 'failed' }): Promise<void> {
      await markImportFinished(db, importId, status);
    },
  };
}

async function importRow(
  db: Db,
  steps: OnboardingSteps,
  context: ImportContext,
  row: StoredImportRow,
): Promise<{ outcome: ImportRowOutcome; problems: RecordProblem[] | null }> {
  let sourceRecordId = row.sourceRecordId;
  if (sourceRecordId === null) {
    const received = await db.transaction(async (trx) => {
      const submission = { siteId: context.siteId, sourceSystem: context.sourceSystem, sourceId: row.sourceId, record: row.record };
      const result = await receiveSubmission(trx, submission, context.actor, context.createdBy);
      if (result.created) await setRowSourceRecord(trx, context.importId, row.line, result.sourceRecord.id);
      return result;
    });
    if (!received.created) {
      return received.sourceRecord.rawHash === recordHash(row.record)
        ? { outcome: 'unchanged', problems: null }
        : { outcome: 'rejected', problems: [CHANGED_CONTENT] };
    }
    sourceRecordId = received.sourceRecord.id;
  }
  const onboarded = await runOnboarding(steps, sourceRecordId, context.actor);
  return { outcome: onboarded.outcome, problems: onboarded.outcome === 'rejected' ? onboarded.problems : null };
}
