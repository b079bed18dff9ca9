import { foldText } from './matching/keys';
import type { CustomerField, CustomerRecord } from './customer';

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

/** Values shorter than this are too common to look for in free text (initials, short names). */
const MIN_VALUE_LENGTH = 4;

/** Values that point at one person: safe to match in structured data (lineage, staged rows) of
 * records not linked to the person, whose whole value is then cleaned. */
const IDENTIFIER_FIELDS: readonly CustomerField[] = ['email', 'phone', 'nationalId'];
/** What free text (mails, comments, reasons) may quote: the identifiers, the names and the street.
 * Only the words themselves are replaced there. City, postcode, country and dates are shared by
 * too many people to be looked for anywhere. */
const FREE_TEXT_FIELDS: readonly CustomerField[] = [...IDENTIFIER_FIELDS, 'givenName', 'familyName', 'street', 'addressLine2'];

export interface PersonalValues {
  identifiers: string[];
  freeText: string[];
}

/** The person's values as they may appear elsewhere: as sent, as normalised, in upper and lower
 * case (the database compares case only for ASCII letters in some locales), folded, and phones
 * without their separators; longest first. */
export function personalValues(records: readonly CustomerRecord[]): PersonalValues {
  const formsOf = (fields: readonly CustomerField[]) => {
    const values = new Set<string>();
    for (const record of records) {
      for (const field of fields) {
        const value = record[field];
        if (typeof value !== 'string') continue;
        const forms = [value, value.toLowerCase(), value.toUpperCase(), foldText(value) ?? ''];
        if (field === 'phone') forms.push(value.replace(/[\s.()-]/g, ''));
        for (const form of forms) if (form.trim().length >= MIN_VALUE_LENGTH) values.add(form.trim());
      }
    }
    return [...values].sort((a, b) => b.length - a.length);
  };
  return { identifiers: formsOf(IDENTIFIER_FIELDS), freeText: formsOf(FREE_TEXT_FIELDS) };
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
