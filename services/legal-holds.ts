import { isUuid } from '../core/ids';
import type { Db } from '../runtime/db';
import { appendChange } from '../store/change-log';
import { findGoldenRecord, sitesOfGoldenRecord } from '../store/customers';
import { findLegalHold, liftLegalHold, listLegalHolds, placeLegalHold, type LegalHold } from '../store/legal-holds';
import { canActOnSite, sitesOf, type User } from '../store/users';
import { badRequest, conflict, forbidden, notFound } from '../api/errors';

/** Compliance officers and admins place and lift holds, for customers at their sites. */
export const HOLD_ROLES = ['compliance', 'admin'] as const;

const MAX_TEXT = 2000;

export interface HoldRequest {
  customerId: string;
  reason: string;
  reference: string;
  expiresAt: Date | null;
}

/** The body of POST /api/legal-holds, or 400 naming the field. */
export function parseHoldRequest(body: unknown): HoldRequest {
  const fields = (body ?? {}) as Record<string, unknown>;
  if (typeof fields.customerId !== 'string' || !isUuid(fields.customerId)) throw badRequest('customerId must be the id of a golden record');
  const text = (name: 'reason' | 'reference') => {
    const value = fields[name];
    if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT) {
      throw badRequest(`${name} is required: a text of at most ${MAX_TEXT} characters`);
    }
    return value.trim();
  };
  let expiresAt: Date | null = null;
  if (fields.expiresAt !== undefined && fields.expiresAt !== null) {
    expiresAt = typeof fields.expiresAt === 'string' ? new Date(fields.expiresAt) : new Date(NaN);
    if (Number.isNaN(expiresAt.getTime())) throw badRequest('expiresAt must be an ISO 8601 date-time, e.g. 2027-06-30T00:00:00Z, or null');
    if (expiresAt.getTime() <= Date.now()) throw badRequest('expiresAt must be in the future');
  }
  return { customerId: fields.customerId, reason: text('reason'), reference: text('reference'), expiresAt };
}

/** 404 for an unknown customer; 403 unless the caller may act on a site the customer is at. */
async function authoriseForCustomer(db: Db, user: User, customerId: string): Promise<string[]> {
  const golden = isUuid(customerId) ? await findGoldenRecord(db, customerId) : undefined;
  if (!golden) throw notFound(`no customer ${customerId}`);
  const sites = await sitesOfGoldenRecord(db, customerId);
  const known = sites.length > 0 ? sites : [golden.homeSiteId];
  if (!known.some((site) => canActOnSite(user, site))) {
    throw forbidden(`customer ${customerId} is at sites you may not act on (${known.join(', ')})`);
  }
  return known;
}

export async function placeHold(db: Db, user: User, request: HoldRequest): Promise<LegalHold> {
  const sites = await authoriseForCustomer(db, user, request.customerId);
  return db.transaction(async (trx) => {
    const hold = await placeLegalHold(trx, { ...request, placedBy: user.email });
    await appendChange(trx, {
      entityType: 'customer',
      entityId: request.customerId,
      siteId: sites[0],
      action: 'legal_hold_placed',
      after: { holdId: hold.id, reference: hold.reference, expiresAt: hold.expiresAt },
      actor: user.id,
      idempotencyKey: `legal-hold:${hold.id}:placed`,
    });
    return hold;
  });
}

/** Holds on customers at the caller's sites (or of one customer), active ones unless all=true. */
export async function listHolds(
  db: Db,
  user: User,
  siteIds: string[],
  filter: { customerId?: string; activeOnly: boolean },
): Promise<LegalHold[]> {
  if (filter.customerId) {
    await authoriseForCustomer(db, user, filter.customerId);
    return listLegalHolds(db, { customerIds: [filter.customerId], activeOnly: filter.activeOnly });
  }
  return listLegalHolds(db, { siteIds: sitesOf(user, siteIds), activeOnly: filter.activeOnly });
}

export async function liftHold(db: Db, user: User, holdId: string, reason: string | null): Promise<LegalHold> {
  const hold = isUuid(holdId) ? await findLegalHold(db, holdId) : undefined;
  if (!hold) throw notFound(`no legal hold ${holdId}`);
  const sites = await authoriseForCustomer(db, user, hold.customerId);
  return db.transaction(async (trx) => {
    if (!(await liftLegalHold(trx, holdId, { liftedBy: user.email, reason }))) {
      throw conflict(`legal hold ${holdId} was already lifted by ${hold.liftedBy} at ${hold.liftedAt?.toISOString()}`);
    }
    await appendChange(trx, {
      entityType: 'customer',
      entityId: hold.customerId,
      siteId: sites[0],
      action: 'legal_hold_lifted',
      before: { holdId, reference: hold.reference },
      actor: user.id,
      idempotencyKey: `legal-hold:${holdId}:lifted`,
    });
    return (await findLegalHold(trx, holdId))!;
  });
}
