import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Every published version of a rule file, per scope ('global' or a site id). Versions count up
  // per scope; unique (scope, version) lets exactly one of two publishes on the same base win.
  await knex.schema.createTable('rule_publications', (t) => {
    t.bigIncrements('id').primary();
    t.text('scope').notNullable();
    t.integer('version').notNullable();
    t.jsonb('content').notNullable();
    // the file as the admin wrote it (key order, layout): jsonb keeps neither, export writes this
    t.text('file_text').notNullable();
    t.text('content_hash').notNullable();
    t.text('author').notNullable();
    t.text('comment').notNullable();
    t.timestamp('published_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('approved_by');
    // set when this version restores an earlier one (a rollback)
    t.integer('restores_version');
    t.unique(['scope', 'version']);
  });

  await knex.schema.createTable('rule_drafts', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('scope').notNullable();
    t.jsonb('content').notNullable();
    t.text('file_text').notNullable();
    // the published version the draft started from: a diff against it shows what the draft changes
    t.integer('base_version').notNullable();
    t.text('author').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Publishes waiting for a second admin, when the global rules ask for one.
  await knex.schema.createTable('rule_approvals', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('scope').notNullable();
    t.integer('base_version').notNullable();
    t.jsonb('content').notNullable();
    t.text('file_text').notNullable();
    t.text('content_hash').notNullable();
    t.text('author').notNullable();
    t.text('comment').notNullable();
    t.integer('restores_version');
    t.text('status').notNullable().defaultTo('pending');
    t.text('decided_by');
    t.timestamp('decided_at', { useTz: true });
    t.timestamp('requested_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("CREATE INDEX rule_approvals_pending ON rule_approvals (scope) WHERE status = 'pending'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rule_approvals');
  await knex.schema.dropTable('rule_drafts');
  await knex.schema.dropTable('rule_publications');
}
