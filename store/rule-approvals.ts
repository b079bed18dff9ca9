import type { Knex } from 'knex';

type Queryable = Knex | Knex.Transaction;

/** superseded: another version was published first, so it can no longer be published as it is */
export type RuleApprovalStatus = 'pending' | 'approved' | 'superseded';

/** A publish that waits for a second admin (the global rules' administration.secondAdminApproval). */
export interface RuleApproval {
  id: string;
  scope: string;
  baseVersion: number;
  content: unknown;
  fileText: string;
  contentHash: string;
  author: string;
  comment: string;
  restoresVersion: number | null;
  status: RuleApprovalStatus;
  decidedBy: string | null;
  decidedAt: Date | null;
  requestedAt: Date;
}

export async function requestApproval(
  db: Queryable,
  approval: Pick<RuleApproval, 'scope' | 'baseVersion' | 'content' | 'fileText' | 'contentHash' | 'author' | 'comment' | 'restoresVersion'>,
): Promise<RuleApproval> {
  const [row] = await db('rule_approvals')
    .insert({
      scope: approval.scope,
      base_version: approval.baseVersion,
      content: JSON.stringify(approval.content),
      file_text: approval.fileText,
      content_hash: approval.contentHash,
      author: approval.author,
      comment: approval.comment,
      restores_version: approval.restoresVersion,
    })
    .returning('*');
  return fromRow(row);
}

export async function findApproval(db: Queryable, scope: string, id: string, options: { forUpdate?: boolean } = {}): Promise<RuleApproval | undefined> {
  const query = db('rule_approvals').where({ scope, id }).first();
  if (options.forUpdate) query.forUpdate();
  const row = await query;
  return row ? fromRow(row) : undefined;
}

export async function pendingApprovals(db: Queryable, scope: string): Promise<RuleApproval[]> {
  const rows = await db('rule_approvals').where({ scope, status: 'pending' }).orderBy('requested_at');
  return rows.map(fromRow);
}

export async function markApproved(db: Queryable, id: string, approver: string): Promise<void> {
  await db('rule_approvals').where({ id }).update({ status: 'approved', decided_by: approver, decided_at: db.fn.now() });
}

export async function markSuperseded(db: Queryable, id: string, decidedBy: string): Promise<void> {
  await db('rule_approvals').where({ id }).update({ status: 'superseded', decided_by: decidedBy, decided_at: db.fn.now() });
}

function fromRow(row: Record<string, any>): RuleApproval {
  return {
    id: row.id,
    scope: row.scope,
    baseVersion: row.base_version,
    // parsed from the text: jsonb reorders keys
    content: JSON.parse(row.file_text),
    fileText: row.file_text,
    contentHash: row.content_hash,
    author: row.author,
    comment: row.comment,
    restoresVersion: row.restores_version,
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    requestedAt: row.requested_at,
  };
}
