import type { Knex } from 'knex';

// One table for the Temporal Schedules of every kind (audits, purges): the audit schedules'
// table gains a kind, so its rows move as they are, and the options a kind keeps beside the
// timing (a purge schedule's dryRun) go in one JSON column.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.renameTable('audit_schedules', 'schedules');
  await knex.schema.alterTable('schedules', (t) => {
    t.text('kind').notNullable().defaultTo('audit');
    t.jsonb('options').notNullable().defaultTo('{}');
  });
  // every row names its kind from now on
  await knex.raw('ALTER TABLE schedules ALTER COLUMN kind DROP DEFAULT');
  await knex.raw('ALTER TABLE schedules RENAME CONSTRAINT audit_schedules_one_timing TO schedules_one_timing');
  await knex.raw('ALTER INDEX audit_schedules_pkey RENAME TO schedules_pkey');
  await knex.raw('DROP INDEX audit_schedules_site');
  await knex.raw('CREATE INDEX schedules_kind_site ON schedules (kind, site_id, created_at)');
}

export async function down(knex: Knex): Promise<void> {
  // schedules of other kinds have no place in the old table (their Temporal schedules stay)
  await knex('schedules').whereNot({ kind: 'audit' }).del();
  await knex.raw('DROP INDEX schedules_kind_site');
  await knex.schema.alterTable('schedules', (t) => {
    t.dropColumn('kind');
    t.dropColumn('options');
  });
  await knex.raw('ALTER INDEX schedules_pkey RENAME TO audit_schedules_pkey');
  await knex.raw('ALTER TABLE schedules RENAME CONSTRAINT schedules_one_timing TO audit_schedules_one_timing');
  await knex.raw('CREATE INDEX audit_schedules_site ON schedules (site_id, created_at)');
  await knex.schema.renameTable('schedules', 'audit_schedules');
}
