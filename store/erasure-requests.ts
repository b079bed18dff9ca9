import type { Knex } from 'knex';
import type { ErasureProof, ErasureStatus } from '../core/erasure';

type Queryable = Knex | Knex.Transaction;

export interface ErasureRequest {
  id: string;
  status: ErasureStatus;
  customerIds: string[];
  sourceRecordIds: string[];
  siteIds: string[];
  requester: string;
  reason: string;
  requestedBy: string;
  deadlineAt: Date;
  workflowId: string;
  decidedBy: string | null;
  decisionReason: string | null;
  decidedAt: Date | null;
  refusalReason: string | null;
  proof: ErasureProof | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** What filing stores; the rest is filled in as the request is decided and carried out. */
export type NewErasureRequest = Pick<
  ErasureRequest,
  'id' | 'customerIds' | 'sourceRecordIds' | 'siteIds' | 'requester' | 'reason' | 'requestedBy' | 'deadlineAt' | 'workflowId'
> & { status?: ErasureStatus; refusalReason?: string };

export async function createErasureRequest(db: Queryable, request: NewErasureRequest): Promise<ErasureRequest> {
  const [row] = await db('erasure_requests')
    .insert({
      id: request.id,
      customer_ids: request.customerIds,
      source_record_ids: request.sourceRecordIds,
      site_ids: request.siteIds,
      requester: request.requester,
      reason: request.reason,
      requested_by: request.requestedBy,
      deadline_at: request.deadlineAt,
      workflow_id: request.workflowId,
      status: request.status ?? 'pending_approval',
      refusal_reason: request.refusalReason ?? null,
      finished_at: request.status === 'refused' ? db.fn.now() : null,
    })
    .returning('*');
  return fromRow(row);
}

export async function findErasureRequest(db: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<ErasureRequest | undefined> {
  const query = db('erasure_requests').where({ id }).first();
  if (options.forUpdate) query.forUpdate();
  const row = await query;
  return row ? fromRow(row) : undefined;
}

/** Moves a request on from `from` only, so a retried activity changes it once. */
export async function updateErasureRequest(
  db: Queryable,
  id: string,
  from: ErasureStatus[],
  change: Partial<{ status: ErasureStatus; decidedBy: string; decisionReason: string; refusalReason: string; proof: ErasureProof; decided: boolean; finished: boolean }>,
): Promise<boolean> {
  const updated = await db('erasure_requests')
    .where({ id })
    .whereIn('status', from)
    .update({
      ...(change.status ? { status: change.status } : {}),
      ...(change.decidedBy ? { decided_by: change.decidedBy } : {}),
      ...(change.decisionReason !== undefined ? { decision_reason: change.decisionReason } : {}),
      ...(change.refusalReason ? { refusal_reason: change.refusalReason } : {}),
      ...(change.proof ? { proof: JSON.stringify(change.proof) } : {}),
      ...(change.decided ? { decided_at: db.fn.now() } : {}),
      ...(change.finished ? { finished_at: db.fn.now() } : {}),
    });
  return updated > 0;
}

function fromRow(row: Record<string, any>): ErasureRequest {
  return {
    id: row.id,
    status: row.status,
    customerIds: row.customer_ids,
    sourceRecordIds: row.source_record_ids,
    siteIds: row.site_ids,
    requester: row.requester,
    reason: row.reason,
    requestedBy: row.requested_by,
    deadlineAt: row.deadline_at,
    workflowId: row.workflow_id,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
    decidedAt: row.decided_at,
    refusalReason: row.refusal_reason,
    proof: row.proof,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
