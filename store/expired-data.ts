import type { Knex } from 'knex';
import type { CategoryPlan } from '../core/retention/plan';
import type { RetentionCategory } from '../core/retention/types';
import { activeHoldSubquery } from './legal-holds';

type Queryable = Knex | Knex.Transaction;

/** The expired rows of one category at one site, in keyset order: one query per category. Rows
 * of customers under an active legal hold are never among them. */
interface ExpiredQuery {
  /** the expired rows (held ones excluded), selecting `key` */
  expired(db: Queryable, siteId: string, plan: CategoryPlan): Knex.QueryBuilder;
  /** the expired rows that a hold protects */
  held(db: Queryable, siteId: string, plan: CategoryPlan): Knex.QueryBuilder;
  /** the keyset column(s), compared with the last key of the previous page */
  after(query: Knex.QueryBuilder, afterKey: string): void;
  orderBy: string[];
  keyOf(row: Record<string, unknown>): string;
}

const heldCustomers = (db: Queryable) => activeHoldSubquery(db);

const sourceRecordsExpired = (db: Queryable, siteId: string, plan: CategoryPlan) =>
  db('source_records as s').where('s.site_id', siteId).where('s.updated_at', '<', plan.cutoff).whereNot('s.status', 'anonymised');

const importRowsExpired = (db: Queryable, siteId: string, plan: CategoryPlan) =>
  db('import_rows as r')
    .join('imports as i', 'i.id', 'r.import_id')
    .leftJoin('source_records as s', 's.id', 'r.source_record_id')
    .where('i.site_id', siteId)
    .whereNotNull('i.finished_at')
    .where('i.finished_at', '<', plan.cutoff)
    .modify((q) => {
      if (plan.action === 'anonymise') q.whereNot('r.record', '{}');
    });

/** A change-log entry about a customer, or about a source record of a customer. */
const changeLogExpired = (db: Queryable, siteId: string, plan: CategoryPlan) =>
  db('change_log as c')
    .leftJoin('source_records as s', (join) => join.on(db.raw("c.entity_type = 'source_record' AND c.entity_id = s.id::text")))
    .where('c.site_id', siteId)
    .where('c.created_at', '<', plan.cutoff)
    .whereNull('c.redacted_at')
    .whereIn('c.entity_type', ['customer', 'source_record']);

const changeLogCustomer = (db: Queryable) => db.raw("CASE WHEN c.entity_type = 'customer' THEN c.entity_id ELSE s.customer_id::text END");

export const EXPIRED: Record<RetentionCategory, ExpiredQuery> = {
  sourceRecords: {
    expired: (db, siteId, plan) =>
      sourceRecordsExpired(db, siteId, plan)
        .where((q) => q.whereNull('s.customer_id').orWhereNotIn('s.customer_id', heldCustomers(db)))
        .select('s.id'),
    held: (db, siteId, plan) => sourceRecordsExpired(db, siteId, plan).whereIn('s.customer_id', heldCustomers(db)),
    after: (query, afterKey) => query.where('s.id', '>', afterKey),
    orderBy: ['s.id'],
    keyOf: (row) => String(row.id),
  },
  importRows: {
    expired: (db, siteId, plan) =>
      importRowsExpired(db, siteId, plan)
        .where((q) => q.whereNull('s.customer_id').orWhereNotIn('s.customer_id', heldCustomers(db)))
        .select('r.import_id', 'r.line_number'),
    held: (db, siteId, plan) => importRowsExpired(db, siteId, plan).whereIn('s.customer_id', heldCustomers(db)),
    after: (query, afterKey) => {
      const [importId, line] = afterKey.split('/');
      query.whereRaw('(r.import_id, r.line_number) > (?::uuid, ?::int)', [importId, Number(line)]);
    },
    orderBy: ['r.import_id', 'r.line_number'],
    keyOf: (row) => `${row.import_id}/${row.line_number}`,
  },
  changeLog: {
    expired: (db, siteId, plan) =>
      changeLogExpired(db, siteId, plan)
        .where((q) => q.whereRaw(`${changeLogCustomer(db)} IS NULL`).orWhereRaw(`${changeLogCustomer(db)} NOT IN (SELECT customer_id::text FROM (${heldCustomers(db).toQuery()}) AS held)`))
        .select('c.id'),
    held: (db, siteId, plan) => changeLogExpired(db, siteId, plan).whereRaw(`${changeLogCustomer(db)} IN (SELECT customer_id::text FROM (${heldCustomers(db).toQuery()}) AS held)`),
    after: (query, afterKey) => query.where('c.id', '>', Number(afterKey)),
    orderBy: ['c.id'],
    keyOf: (row) => String(row.id),
  },
};

/** The next page of expired rows after `afterKey` (null: from the start). */
export async function expiredPage(
  db: Queryable,
  category: RetentionCategory,
  siteId: string,
  plan: CategoryPlan,
  afterKey: string | null,
  limit: number,
): Promise<Array<Record<string, any>>> {
  const query = EXPIRED[category].expired(db, siteId, plan);
  if (afterKey !== null) EXPIRED[category].after(query, afterKey);
  return query.orderBy(EXPIRED[category].orderBy).limit(limit);
}

export async function countExpired(db: Queryable, category: RetentionCategory, siteId: string, plan: CategoryPlan): Promise<{ expired: number; held: number }> {
  const count = async (query: Knex.QueryBuilder) => Number((await query.clearSelect().count('* as n'))[0].n);
  return {
    expired: await count(EXPIRED[category].expired(db, siteId, plan)),
    held: await count(EXPIRED[category].held(db, siteId, plan)),
  };
}
