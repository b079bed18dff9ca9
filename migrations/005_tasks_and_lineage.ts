import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tasks', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('site_id').notNullable();
    // duplicate_review | data_fix | erasure_approval
    t.text('type').notNullable();
    // open | decided | expired | cancelled
    t.text('status').notNullable().defaultTo('open');
    // the business key that makes creating the task idempotent
    t.text('idempotency_key').notNullable().unique();
    t.text('workflow_id');
    t.uuid('source_record_id').references('source_records.id');
    t.uuid('customer_id').references('customers.id');
    t.uuid('match_evaluation_id').references('match_evaluations.id');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.text('assignee');
    t.timestamp('due_at', { useTz: true });
    t.text('decision');
    t.text('decided_by');
    t.text('decided_via');
    t.timestamp('decided_at', { useTz: true });
    t.text('rules_version').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE INDEX tasks_site_status ON tasks (site_id, status, created_at)');

  // Append-only lineage. The idempotency key makes a retried activity write its entry once.
  await knex.schema.createTable('change_log', (t) => {
    t.bigIncrements('id');
    t.text('entity_type').notNullable();
    t.text('entity_id').notNullable();
    t.text('site_id');
    t.text('action').notNullable();
    t.jsonb('before');
    t.jsonb('after');
    t.text('actor').notNullable();
    t.text('rules_version');
    t.text('idempotency_key').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE INDEX change_log_entity ON change_log (entity_type, entity_id, id)');
  await knex.raw(`
    CREATE FUNCTION change_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'change_log is append-only'; END $$`);
  await knex.raw(`
    CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON change_log
    FOR EACH ROW EXECUTE FUNCTION change_log_is_append_only()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('change_log');
  await knex.raw('DROP FUNCTION change_log_is_append_only()');
  await knex.schema.dropTable('tasks');
}
