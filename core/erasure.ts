import { foldText } from './matching/keys';
import type { CustomerRecord } from './customer';

/** Right-to-erasure requests: the decisions, what the workflow knows, and the person's values that
 * free text (mails, comments, lineage) must be cleaned of. */

export const ERASURE_DECISIONS = ['approve', 'reject'] as const;
export type ErasureDecision = (typeof ERASURE_DECISIONS)[number];

export type ErasureStatus = 'pending_approval' | 'approved' | 'rejected' | 'refused' | 'completed';

export interface ErasureDecisionRequest {
  decision: ErasureDecision;
  /** the stored reason (store/decision-notes): free text stays out of the workflow history */
  reasonId: string;
  decidedBy: { userId: string; email: string };
}

export interface ErasureDecisionResult {
  requestId: string;
  status: ErasureStatus;
  decidedBy: string;
}

/** What erasure keeps as proof: counts and hashed ids, never a value. */
export interface ErasureProof {
  erasedAt: string;
  approvedBy: string;
  rulesVersions: Record<string, string>;
  hashedCustomerIds: string[];
  hashedSourceRecordIds: string[];
  /** rows deleted or cleaned, per table */
  counts: Record<string, number>;
}

/** Values shorter than this are too common to look for in free text (country codes, initials). */
const MIN_VALUE_LENGTH = 4;
const SKIPPED_FIELDS = new Set(['country']);

/** The person's values as they may appear in free text: as sent, as normalised, in upper and lower
 * case (the database compares case only for ASCII letters in some locales), and folded. */
export function personalValues(records: readonly CustomerRecord[]): string[] {
  const values = new Set<string>();
  for (const record of records) {
    for (const [field, value] of Object.entries(record)) {
      if (SKIPPED_FIELDS.has(field) || typeof value !== 'string') continue;
      for (const form of [value, value.trim(), value.toLowerCase(), value.toUpperCase(), foldText(value) ?? '']) {
        if (form.trim().length >= MIN_VALUE_LENGTH) values.add(form.trim());
      }
    }
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** One PostgreSQL regular expression that finds any of the values (longest first), so one
 * statement per column cleans it. Undefined when there is nothing to look for. */
export function personalValuePattern(values: readonly string[]): string | undefined {
  if (values.length === 0) return undefined;
  return values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

export const ERASED_TEXT = '[erased]';

/** Why a hold stops an erasure, in words the requester and the officers read. */
export function holdRefusal(holds: Array<{ customerId: string; reference: string; placedAt: Date; expiresAt: Date | null }>): string {
  return holds
    .map((hold) => `customer ${hold.customerId} is under legal hold ${hold.reference} since ${hold.placedAt.toISOString()}${hold.expiresAt ? ` until ${hold.expiresAt.toISOString()}` : ''}`)
    .join('; ')
    .concat(': a held customer is never erased; file the request again once the hold is lifted');
}
