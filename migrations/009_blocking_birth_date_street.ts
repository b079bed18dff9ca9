import type { Knex } from 'knex';

/** Blocking on the birth date alone and on a similar street finds the duplicates whose names
 * are too corrupted for the name index. The trigram index is written through (no fast update),
 * like the name indexes in 006, because blocking reads it right after each insert. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX source_records_birth_date ON source_records (birth_date)');
  await knex.raw('CREATE INDEX source_records_street_trgm ON source_records USING gin (street_key gin_trgm_ops) WITH (fastupdate = off)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX source_records_street_trgm');
  await knex.raw('DROP INDEX source_records_birth_date');
}
