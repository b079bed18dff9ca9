import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // When a site last changed a record's content (PUT): "most recent" survivorship and freshness
  // go by it. received_at stays the first receipt; updated_at moves with every status change.
  await knex.schema.alterTable('source_records', (t) => {
    t.timestamp('revised_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('source_records', (t) => {
    t.dropColumn('revised_at');
  });
}
