import { matchKeys } from '../core/matching/keys';
import { normaliseRecord } from '../core/normalise';
import type { VersionedSiteRules } from '../core/rules/types';
import type { Db } from '../runtime/db';
import { recomputeGoldenRecord } from '../activities/golden-records';
import { appendChange } from '../store/change-log';
import { recheckFixTasksOfRecord } from '../store/fix-task-rechecks';
import { rememberRuleVersion } from '../store/rule-versions';
import { findSourceRecordByKey, recordHash, reviseRaw, saveNormalised, type SourceRecordStatus } from '../store/source-records';
import { conflict, notFound } from '../api/errors';
import type { Submission } from './onboarding';

export interface RevisionResult {
  sourceRecordId: string;
  /** false: the content was already this (a repeat changes nothing) */
  revised: boolean;
  status: SourceRecordStatus;
  customerId: string | null;
  rulesVersion: string;
}

/**
 * A site's new content for a record it sent before (an address moved, a phone changed): stored,
 * normalised and, for a linked record, its golden record derived again, in one transaction with
 * lineage. The link itself stands (a steward unmerges if the person is now someone else); a record
 * waiting for review keeps waiting, the reviewer sees the new content. Open data-fix tasks of the
 * customer are checked again and resolve themselves when none of their problems remain.
 * Idempotent on the content.
 */
export async function reviseRecord(db: Db, submission: Submission, versioned: VersionedSiteRules, actor: string): Promise<RevisionResult> {
  const { rules, version } = versioned;
  await rememberRuleVersion(db, submission.siteId, versioned);
  return db.transaction(async (trx) => {
    const stored = await findSourceRecordByKey(trx, submission, { forUpdate: true });
    const name = `${submission.sourceSystem}/${submission.sourceId}`;
    if (!stored) throw notFound(`site ${submission.siteId} has no record ${name}: send it first with POST /api/sites/${submission.siteId}/customers`);
    const result = (revised: boolean): RevisionResult => ({
      sourceRecordId: stored.id,
      revised,
      status: stored.status,
      customerId: stored.customerId,
      rulesVersion: version,
    });
    const hash = recordHash(submission.record);
    if (stored.rawHash === hash) return result(false);
    if (!stored.outcome) {
      throw conflict(`record ${name} is still being onboarded (${stored.workflowId}); send the new content once it has finished`, {
        workflowId: stored.workflowId,
      });
    }
    if (stored.status === 'rejected') {
      throw conflict(`record ${name} was rejected and has no golden record to update; send the corrected record under a new source id`, {
        sourceRecordId: stored.id,
      });
    }
    const record = normaliseRecord(submission.record, rules.normalisation);
    await reviseRaw(trx, stored.id, submission.record);
    await saveNormalised(trx, stored.id, { record, keys: matchKeys(record), rulesVersion: version });
    const key = `${stored.id}:revised:${hash}`;
    await appendChange(trx, {
      entityType: 'source_record',
      entityId: stored.id,
      siteId: stored.siteId,
      action: 'revised',
      before: stored.record ?? stored.raw,
      after: record,
      actor,
      rulesVersion: version,
      idempotencyKey: key,
    });
    if (stored.customerId) await recomputeGoldenRecord(trx, stored.customerId, rules, version, actor, key);
    // the new content may fix what an audit found: its open fix task closes now, not at the next audit
    await recheckFixTasksOfRecord(trx, { siteId: stored.siteId, sourceRecordId: stored.id, customerId: stored.customerId }, { rules, rulesVersion: version, actor, idempotencyKey: key });
    return result(true);
  });
}
