import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One audit of one site: its progress while it runs, and the rules it ran under.
  await knex.schema.createTable('audit_runs', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('site_id').notNullable();
    // audit:<site>:<time>: starting the same run twice finds the first
    t.text('workflow_id').notNullable().unique();
    // running -> completed | failed
    t.text('status').notNullable().defaultTo('running');
    t.text('rules_version');
    // the checks as they were when the run began, so every page of a run checks the same things
    t.jsonb('checks');
    t.jsonb('fix_tasks');
    t.integer('failing_rows_kept');
    t.integer('rows_total').notNullable().defaultTo(0);
    t.integer('rows_scanned').notNullable().defaultTo(0);
    t.integer('checks_done').notNullable().defaultTo(0);
    t.integer('checks_total').notNullable().defaultTo(0);
    t.uuid('previous_run_id').references('audit_runs.id');
    // a user id, or null for a scheduled run
    t.text('started_by');
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
  });
  await knex.raw('CREATE INDEX audit_runs_site_started ON audit_runs (site_id, started_at DESC)');

  // What each page of a run found, per check: counts, and every failing row id with its reason in
  // two parallel arrays. Keyed by page, so a retried page overwrites itself and counts nothing
  // twice. Keeping every failing id (16 bytes each, in arrays) rather than recomputing them later
  // is what makes "newly failing" and the full CSV describe the data as the run saw it, even after
  // records change; arrays keep a million failures to a few hundred rows.
  await knex.schema.createTable('audit_check_pages', (t) => {
    t.uuid('run_id').notNullable().references('audit_runs.id').onDelete('CASCADE');
    t.text('check_id').notNullable();
    t.integer('page_number').notNullable();
    t.integer('rows_checked').notNullable();
    t.integer('rows_failed').notNullable();
    t.specificType('failed_ids', 'uuid[]').notNullable();
    t.specificType('failed_reasons', 'text[]').notNullable();
    t.primary(['run_id', 'check_id', 'page_number']);
  });

  // The pages of a run: rows scanned, and the last id of each page (keyset paging).
  await knex.schema.createTable('audit_pages', (t) => {
    t.uuid('run_id').notNullable().references('audit_runs.id').onDelete('CASCADE');
    t.integer('page_number').notNullable();
    t.integer('rows').notNullable();
    t.uuid('last_id');
    t.primary(['run_id', 'page_number']);
  });

  // The scorecard of a run, with the trend against the previous completed run of the site.
  await knex.schema.createTable('audit_check_results', (t) => {
    t.uuid('run_id').notNullable().references('audit_runs.id').onDelete('CASCADE');
    t.text('check_id').notNullable();
    t.integer('position').notNullable();
    t.text('type').notNullable();
    t.text('severity').notNullable();
    t.text('description').notNullable();
    t.integer('rows_checked').notNullable();
    t.integer('rows_failed').notNullable();
    t.double('failed_percent').notNullable();
    t.double('threshold').notNullable();
    t.boolean('passed').notNullable();
    t.double('previous_failed_percent');
    t.double('delta');
    t.integer('newly_failing').notNullable().defaultTo(0);
    t.primary(['run_id', 'check_id']);
  });

  // The failing rows kept for the report, at most rules audits.failingRowsKept per check; the
  // counts in audit_check_results are always exact and the CSV reads audit_check_pages.
  await knex.schema.createTable('audit_failing_rows', (t) => {
    t.uuid('run_id').notNullable().references('audit_runs.id').onDelete('CASCADE');
    t.text('check_id').notNullable();
    t.uuid('source_record_id').notNullable();
    t.uuid('customer_id');
    t.text('reason').notNullable();
    t.primary(['run_id', 'check_id', 'source_record_id']);
  });

  // Audits page through a site's source records by id.
  await knex.raw('CREATE INDEX source_records_site_id ON source_records (site_id, id)');
  // Never a second open data-fix task for the same customer (or lone source record): a later
  // audit adds its findings to the open task instead.
  await knex.raw(`CREATE UNIQUE INDEX tasks_open_data_fix_subject ON tasks (site_id, (details->>'subject'))
    WHERE type = 'data_fix' AND status = 'open'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX tasks_open_data_fix_subject');
  await knex.raw('DROP INDEX source_records_site_id');
  await knex.schema.dropTable('audit_failing_rows');
  await knex.schema.dropTable('audit_check_results');
  await knex.schema.dropTable('audit_pages');
  await knex.schema.dropTable('audit_check_pages');
  await knex.schema.dropTable('audit_runs');
}
