import { createHmac } from 'node:crypto';
import type { Db } from '../runtime/db';
import { hashToken } from './users';

export interface ReportLinkIssue {
  runId: string;
  siteId: string;
  personEmail: string;
  expiresAt: Date;
  /** the idempotency key of the mail that carries the link */
  issueKey: string;
}

export type ReportLinkInspection =
  | { state: 'valid'; runId: string; siteId: string; personEmail: string; expiresAt: Date }
  | { state: 'expired'; expiredAt: Date }
  | { state: 'unknown' };

/** 32 bytes in base64url, as issued */
const KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The key is HMAC-SHA256(secret, issue key), like the review links' tokens: unpredictable without
 * the secret, and the same again when a retried mail step issues it again, though only its hash is
 * stored. */
export async function issueReportLinkKey(db: Db, secret: Buffer, issue: ReportLinkIssue): Promise<string> {
  const key = createHmac('sha256', secret).update(`audit-report-link:${issue.issueKey}`).digest('base64url');
  const personEmail = issue.personEmail.toLowerCase();
  const [row] = await db('audit_report_links')
    .insert({ key_hash: hashToken(key), run_id: issue.runId, site_id: issue.siteId, person_email: personEmail, issue_key: issue.issueKey, expires_at: issue.expiresAt })
    .onConflict('issue_key')
    .merge(['key_hash'])
    .returning(['run_id', 'person_email']);
  if (row.run_id !== issue.runId || row.person_email !== personEmail) {
    throw new Error(`report link issue key "${issue.issueKey}" is already bound to another run or person`);
  }
  return key;
}

/** What a report link's key is worth; reading it changes nothing. */
export async function inspectReportLinkKey(db: Db, key: string): Promise<ReportLinkInspection> {
  if (!KEY_PATTERN.test(key)) return { state: 'unknown' };
  const row = await db('audit_report_links')
    .where({ key_hash: hashToken(key) })
    .first(['run_id', 'site_id', 'person_email', 'expires_at', db.raw('expires_at <= now() AS expired')]);
  if (!row) return { state: 'unknown' };
  if (row.expired) return { state: 'expired', expiredAt: row.expires_at };
  return { state: 'valid', runId: row.run_id, siteId: row.site_id, personEmail: row.person_email, expiresAt: row.expires_at };
}
