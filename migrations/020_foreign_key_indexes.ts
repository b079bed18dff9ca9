import type { Knex } from 'knex';

// Purges and erasure delete source records and golden records: every referencing column is then
// searched, by the deletes themselves and by PostgreSQL's foreign-key checks. Without these
// indexes each deleted row scanned match_evaluations, tasks and import_rows whole.
const INDEXES: Array<[name: string, table: string, column: string]> = [
  ['match_evaluations_customer', 'match_evaluations', 'customer_id'],
  ['match_evaluations_matched_source_record', 'match_evaluations', 'matched_source_record_id'],
  ['tasks_source_record', 'tasks', 'source_record_id'],
  ['tasks_customer', 'tasks', 'customer_id'],
  ['tasks_match_evaluation', 'tasks', 'match_evaluation_id'],
  ['import_rows_source_record', 'import_rows', 'source_record_id'],
];

export async function up(knex: Knex): Promise<void> {
  for (const [name, table, column] of INDEXES) await knex.raw('CREATE INDEX ?? ON ?? (??)', [name, table, column]);
}

export async function down(knex: Knex): Promise<void> {
  for (const [name] of INDEXES) await knex.raw('DROP INDEX ??', [name]);
}
