import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Which site each audit schedule belongs to (the schedule itself lives in Temporal): lists per
  // site at once, without a scan of every schedule of the namespace, and authorises by site
  // before Temporal is asked. The timing is kept as the caller wrote it: Temporal answers with
  // its own calendar form of a cron expression.
  await knex.schema.createTable('audit_schedules', (t) => {
    t.text('id').primary();
    t.text('site_id').notNullable();
    t.text('cron');
    t.text('interval');
    t.text('time_zone').notNullable();
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('ALTER TABLE audit_schedules ADD CONSTRAINT audit_schedules_one_timing CHECK ((cron IS NULL) <> (interval IS NULL))');
  await knex.raw('CREATE INDEX audit_schedules_site ON audit_schedules (site_id, created_at)');

  // The keys of the report links mailed to compliance officers: read-only, so unlike review
  // tokens they work more than once (mail scanners open links too), until they expire. Only a
  // hash is stored. A link goes with its run (migration 011).
  await knex.schema.createTable('audit_report_links', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('key_hash').notNullable().unique();
    t.uuid('run_id').notNullable().references('audit_runs.id').onDelete('CASCADE');
    t.text('site_id').notNullable();
    t.text('person_email').notNullable();
    // the idempotency key of the mail that carries it: a retried mail step mails the same link
    t.text('issue_key').notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_report_links');
  await knex.schema.dropTable('audit_schedules');
}
