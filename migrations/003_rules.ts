import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Every version of the effective rules a decision was made under, by content hash.
  await knex.schema.createTable('rule_versions', (t) => {
    t.text('hash').primary();
    t.text('scope').notNullable();
    t.jsonb('content').notNullable();
    t.timestamp('first_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rule_versions');
}
