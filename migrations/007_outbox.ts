import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // what the embedded SMTP server received, for the outbox page of a one-machine run
  await knex.schema.createTable('outbox_messages', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('message_id');
    t.text('from_address');
    t.specificType('to_addresses', 'text[]').notNullable().defaultTo('{}');
    t.text('subject');
    t.text('text');
    t.text('html');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['received_at']);
  });
  // one row per email that was handed to SMTP, so a retried activity never sends it twice
  await knex.schema.createTable('sent_emails', (t) => {
    t.text('idempotency_key').primary();
    t.text('message_id');
    t.timestamp('sent_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sent_emails');
  await knex.schema.dropTable('outbox_messages');
}
