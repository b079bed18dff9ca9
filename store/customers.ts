import type { Knex } from 'knex';
import type { CustomerRecord } from '../core/customer';
import type { Provenance } from '../core/survivorship';

type Queryable = Knex | Knex.Transaction;

export interface GoldenRecord {
  id: string;
  status: string;
  homeSiteId: string;
  record: CustomerRecord;
  provenance: Provenance;
  rulesVersion: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface GoldenRecordContent {
  record: CustomerRecord;
  provenance: Provenance;
  nameKey: string | null;
  rulesVersion: string;
}

export async function insertGoldenRecord(db: Queryable, homeSiteId: string, content: GoldenRecordContent): Promise<GoldenRecord> {
  const [row] = await db('customers')
    .insert({
      home_site_id: homeSiteId,
      record: JSON.stringify(content.record),
      provenance: JSON.stringify(content.provenance),
      name_key: content.nameKey,
      rules_version: content.rulesVersion,
    })
    .returning('*');
  return fromRow(row);
}

export async function updateGoldenRecord(db: Queryable, id: string, content: GoldenRecordContent): Promise<GoldenRecord> {
  const [row] = await db('customers')
    .where({ id })
    .update({
      record: JSON.stringify(content.record),
      provenance: JSON.stringify(content.provenance),
      name_key: content.nameKey,
      rules_version: content.rulesVersion,
      version: db.raw('version + 1'),
      updated_at: db.fn.now(),
    })
    .returning('*');
  return fromRow(row);
}

export async function findGoldenRecord(db: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<GoldenRecord | undefined> {
  const query = db('customers').where({ id }).first();
  if (options.forUpdate) query.forUpdate();
  const row = await query;
  return row ? fromRow(row) : undefined;
}

/** The sites whose source records feed a golden record. */
export async function sitesOfGoldenRecord(db: Queryable, id: string): Promise<string[]> {
  const rows = await db('source_records').where({ customer_id: id }).distinct('site_id');
  return rows.map((row: { site_id: string }) => row.site_id);
}

/** Golden records fed by at least one of `siteIds`, whose names, email or phone match `matchKey`
 * (already lower-cased and stripped of accents, like the stored keys). */
export async function searchGoldenRecords(
  db: Queryable,
  matchKey: string,
  siteIds: string[],
  page: { limit: number; offset: number },
): Promise<GoldenRecord[]> {
  const rows = await db('customers as c')
    .whereIn(
      'c.id',
      db('source_records as s')
        .select('s.customer_id')
        .whereIn('s.site_id', siteIds)
        .whereNotNull('s.customer_id')
        .where((q) =>
          q
            .whereRaw('s.name_key LIKE ?', [`%${escapeLike(matchKey)}%`])
            .orWhereRaw('s.name_key % ?', [matchKey])
            .orWhere('s.email_key', matchKey)
            .orWhere('s.phone_key', matchKey),
        ),
    )
    .orderByRaw('similarity(c.name_key, ?) DESC, c.id', [matchKey])
    .limit(page.limit)
    .offset(page.offset)
    .select('c.*');
  return rows.map(fromRow);
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function fromRow(row: Record<string, any>): GoldenRecord {
  return {
    id: row.id,
    status: row.status,
    homeSiteId: row.home_site_id,
    record: row.record,
    provenance: row.provenance,
    rulesVersion: row.rules_version,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
