import { createHmac } from 'node:crypto';
import type { Knex } from 'knex';
import { hashToken } from './users';

type Queryable = Knex | Knex.Transaction;

export type ActionTokenPurpose = 'review' | 'erasure';

export interface ActionTokenIssue {
  taskId: string;
  personEmail: string;
  purpose: ActionTokenPurpose;
  expiresAt: Date;
  /** the idempotency key of the mail that carries the token */
  issueKey: string;
}

export type ActionTokenInspection =
  | { state: 'valid'; tokenId: string; taskId: string; personEmail: string; purpose: ActionTokenPurpose }
  | { state: 'used'; usedAt: Date }
  | { state: 'expired'; expiredAt: Date }
  | { state: 'unknown' };

/** 32 bytes in base64url, as issued */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The token is HMAC-SHA256(secret, issue key): 256 bits no one can predict without the secret,
 * and the same again for the same issue key, so a retried mail step mails a link that works even
 * though only the hash is stored. A repeat re-stores the hash, which matters only when the secret
 * has changed since: the retried mail then carries the working link. */
export async function issueActionToken(db: Queryable, secret: Buffer, issue: ActionTokenIssue): Promise<string> {
  const token = createHmac('sha256', secret).update(`action-token:${issue.issueKey}`).digest('base64url');
  const personEmail = issue.personEmail.toLowerCase();
  const [row] = await db('action_tokens')
    .insert({
      token_hash: hashToken(token),
      task_id: issue.taskId,
      person_email: personEmail,
      purpose: issue.purpose,
      issue_key: issue.issueKey,
      expires_at: issue.expiresAt,
    })
    .onConflict('issue_key')
    .merge(['token_hash'])
    .returning(['task_id', 'person_email', 'purpose']);
  if (row.task_id !== issue.taskId || row.person_email !== personEmail || row.purpose !== issue.purpose) {
    throw new Error(`action token issue key "${issue.issueKey}" is already bound to another task, person or purpose`);
  }
  return token;
}

/** What a link's token is worth, without changing anything (mail scanners open links). A used
 * token that has also expired reads as used, the more useful thing to tell its holder. */
export async function inspectActionToken(db: Queryable, token: string): Promise<ActionTokenInspection> {
  if (!TOKEN_PATTERN.test(token)) return { state: 'unknown' };
  const row = await db('action_tokens')
    .where({ token_hash: hashToken(token) })
    .first(['id', 'task_id', 'person_email', 'purpose', 'used_at', 'expires_at', db.raw('expires_at <= now() AS expired')]);
  if (!row) return { state: 'unknown' };
  if (row.used_at) return { state: 'used', usedAt: row.used_at };
  if (row.expired) return { state: 'expired', expiredAt: row.expires_at };
  return { state: 'valid', tokenId: row.id, taskId: row.task_id, personEmail: row.person_email, purpose: row.purpose };
}

/** Marks a token used; false when it was used or expired already. One statement, so of two
 * requests racing with the same token exactly one gets true. */
export async function consumeActionToken(db: Queryable, tokenId: string): Promise<boolean> {
  const consumed = await db('action_tokens')
    .where({ id: tokenId })
    .whereNull('used_at')
    .where('expires_at', '>', db.fn.now())
    .update({ used_at: db.fn.now() })
    .returning(['id']);
  return consumed.length > 0;
}
