import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One bulk import of a CSV file: its progress and its counts, recounted from import_rows.
  await knex.schema.createTable('imports', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('site_id').notNullable();
    t.text('source_system').notNullable();
    t.text('file_name');
    // sha256 of the uploaded bytes
    t.text('content_hash');
    // receiving -> running -> completed | failed
    t.text('status').notNullable().defaultTo('receiving');
    t.integer('total_rows').notNullable().defaultTo(0);
    t.integer('processed_rows').notNullable().defaultTo(0);
    t.integer('created').notNullable().defaultTo(0);
    t.integer('linked').notNullable().defaultTo(0);
    t.integer('review').notNullable().defaultTo(0);
    t.integer('rejected').notNullable().defaultTo(0);
    t.integer('unchanged').notNullable().defaultTo(0);
    t.text('workflow_id');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
  });
  await knex.raw('CREATE INDEX imports_site_created ON imports (site_id, created_at)');

  // The rows of an import, staged while the CSV streams in, so the workflow pages through the
  // database rather than through memory.
  await knex.schema.createTable('import_rows', (t) => {
    t.uuid('import_id').notNullable().references('imports.id').onDelete('CASCADE');
    t.integer('line_number').notNullable();
    t.text('source_id').notNullable();
    t.jsonb('record').notNullable();
    // created | linked | review | rejected | unchanged; null until processed
    t.text('outcome');
    // the problems of a rejected row (field, rule, expected: never the values)
    t.jsonb('reason');
    t.uuid('source_record_id').references('source_records.id');
    t.primary(['import_id', 'line_number']);
    // a source id twice in one file is a malformed file
    t.unique(['import_id', 'source_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('import_rows');
  await knex.schema.dropTable('imports');
}
