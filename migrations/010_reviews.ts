import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Who sent a record: four-eyes rules keep that person from deciding its review.
  await knex.schema.alterTable('source_records', (t) => {
    t.text('received_by');
  });

  // Email-link tokens: only a hash is stored; each is bound to one task and one person, expires,
  // and works once.
  await knex.schema.createTable('action_tokens', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('token_hash').notNullable().unique();
    t.uuid('task_id').notNullable().references('tasks.id');
    t.text('person_email').notNullable();
    t.text('purpose').notNullable();
    // the idempotency key of the mail that carries it: a retried mail step reuses its token
    t.text('issue_key').notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE INDEX action_tokens_task ON action_tokens (task_id)');

  // Every decision taken on a task (several when the rules ask for a quorum).
  await knex.schema.createTable('task_decisions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('task_id').notNullable().references('tasks.id');
    t.text('decision').notNullable();
    t.text('decided_by').notNullable();
    t.text('decided_by_email').notNullable();
    t.text('via').notNullable();
    t.text('comment');
    t.text('rules_version').notNullable();
    // the workflow update id: a retried activity records a decision once
    t.text('idempotency_key').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('task_comments', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('task_id').notNullable().references('tasks.id');
    t.text('author').notNullable();
    t.text('comment').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Source-record pairs a steward declared different people: matching never proposes them again.
  await knex.schema.createTable('distinct_pairs', (t) => {
    t.uuid('source_record_id').notNullable().references('source_records.id');
    t.uuid('other_source_record_id').notNullable().references('source_records.id');
    t.text('decided_by').notNullable();
    t.uuid('task_id').references('tasks.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['source_record_id', 'other_source_record_id']);
  });
  await knex.raw('CREATE INDEX distinct_pairs_other ON distinct_pairs (other_source_record_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('distinct_pairs');
  await knex.schema.dropTable('task_comments');
  await knex.schema.dropTable('task_decisions');
  await knex.schema.dropTable('action_tokens');
  await knex.schema.alterTable('source_records', (t) => t.dropColumn('received_by'));
}
