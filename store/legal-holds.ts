import type { Knex } from 'knex';

type Queryable = Knex | Knex.Transaction;

export interface LegalHold {
  id: string;
  customerId: string;
  reason: string;
  reference: string;
  expiresAt: Date | null;
  placedBy: string;
  placedAt: Date;
  liftedBy: string | null;
  liftReason: string | null;
  liftedAt: Date | null;
  active: boolean;
}

export interface NewLegalHold {
  customerId: string;
  reason: string;
  reference: string;
  expiresAt: Date | null;
  placedBy: string;
}

/** A hold counts while it is not lifted and not past its expiry. */
const ACTIVE = 'lifted_at IS NULL AND (expires_at IS NULL OR expires_at > now())';

function selectHolds(db: Queryable) {
  return db('legal_holds').select('*', db.raw(`(${ACTIVE}) AS active`));
}

export async function placeLegalHold(db: Queryable, hold: NewLegalHold): Promise<LegalHold> {
  const [row] = await db('legal_holds')
    .insert({ customer_id: hold.customerId, reason: hold.reason, reference: hold.reference, expires_at: hold.expiresAt, placed_by: hold.placedBy })
    .returning('id');
  return (await findLegalHold(db, row.id))!;
}

export async function findLegalHold(db: Queryable, id: string): Promise<LegalHold | undefined> {
  const row = await selectHolds(db).where({ id }).first();
  return row ? fromRow(row) : undefined;
}

/** Holds of these customers, or of customers at these sites (fed by a source record there, or at
 * home there). */
export async function listLegalHolds(db: Queryable, filter: { customerIds?: string[]; siteIds?: string[]; activeOnly: boolean }): Promise<LegalHold[]> {
  const query = selectHolds(db);
  if (filter.customerIds) query.whereIn('customer_id', filter.customerIds);
  if (filter.siteIds) {
    const siteIds = filter.siteIds;
    query.where((q) =>
      q
        .whereIn('customer_id', db('source_records').whereIn('site_id', siteIds).whereNotNull('customer_id').select('customer_id'))
        .orWhereIn('customer_id', db('customers').whereIn('home_site_id', siteIds).select('id')),
    );
  }
  if (filter.activeOnly) query.whereRaw(ACTIVE);
  const rows = await query.orderBy('placed_at', 'desc');
  return rows.map(fromRow);
}

/** The active holds on any of these customers. */
export async function activeHoldsOn(db: Queryable, customerIds: string[]): Promise<LegalHold[]> {
  if (customerIds.length === 0) return [];
  return listLegalHolds(db, { customerIds, activeOnly: true });
}

/** Lifts a hold once; false when it was lifted already. */
export async function liftLegalHold(db: Queryable, id: string, lift: { liftedBy: string; reason: string | null }): Promise<boolean> {
  const updated = await db('legal_holds').where({ id }).whereNull('lifted_at').update({ lifted_by: lift.liftedBy, lift_reason: lift.reason, lifted_at: db.fn.now() });
  return updated > 0;
}

/** SQL for "this customer id is under an active hold", for purge queries. */
export function activeHoldSubquery(db: Queryable) {
  return db('legal_holds').select('customer_id').whereRaw(ACTIVE);
}


function fromRow(row: Record<string, any>): LegalHold {
  return {
    id: row.id,
    customerId: row.customer_id,
    reason: row.reason,
    reference: row.reference,
    expiresAt: row.expires_at,
    placedBy: row.placed_by,
    placedAt: row.placed_at,
    liftedBy: row.lifted_by,
    liftReason: row.lift_reason,
    liftedAt: row.lifted_at,
    active: row.active,
  };
}
