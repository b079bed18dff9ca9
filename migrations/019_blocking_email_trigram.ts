import type { Knex } from 'knex';

/** Blocking on a similar email address finds the duplicates whose address has a typing error
 * and whose other keys (names, birth date) are corrupted or missing too. Written through like
 * the other trigram indexes (009), because blocking reads it right after each insert. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX source_records_email_trgm ON source_records USING gin (email_key gin_trgm_ops) WITH (fastupdate = off)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX source_records_email_trgm');
}
