import type { Knex } from 'knex';

export interface ChangeEntry {
  entityType: 'customer' | 'source_record' | 'task' | 'rules' | 'user';
  entityId: string;
  siteId?: string | null;
  action: string;
  before?: unknown;
  after?: unknown;
  /** a user id, or the workflow id that made the change */
  actor: string;
  rulesVersion?: string | null;
  /** the same key twice (a retried activity) writes one entry */
  idempotencyKey: string;
}

export async function appendChange(db: Knex | Knex.Transaction, entry: ChangeEntry): Promise<void> {
  await db('change_log')
    .insert({
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      site_id: entry.siteId ?? null,
      action: entry.action,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      actor: entry.actor,
      rules_version: entry.rulesVersion ?? null,
      idempotency_key: entry.idempotencyKey,
    })
    .onConflict('idempotency_key')
    .ignore();
}

export interface ChangeLogRow {
  id: string;
  entity_type: string;
  entity_id: string;
  site_id: string | null;
  action: string;
  before: unknown;
  after: unknown;
  actor: string;
  rules_version: string | null;
  created_at: Date;
}

export async function changesOf(db: Knex, entities: Array<{ type: string; id: string }>): Promise<ChangeLogRow[]> {
  if (entities.length === 0) return [];
  return db<ChangeLogRow>('change_log')
    .where((q) => {
      for (const entity of entities) q.orWhere({ entity_type: entity.type, entity_id: entity.id });
    })
    .orderBy('id');
}
