import type { Knex } from 'knex';

/** Blocking on a similar email address finds the duplicates whose address has a typing error
 * and whose other keys (names, birth date) are corrupted or missing too; its trigram index is
 * written through like the others (009), because blocking reads it right after each insert.
 * The equality indexes let matching count how many persons share a name or a city (term
 * frequencies) for every incoming record. A family name that sounds alike with the same birth year
 * (phonetic blocking) finds the misspelt names the trigram index misses. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX source_records_email_trgm ON source_records USING gin (email_key gin_trgm_ops) WITH (fastupdate = off)');
  await knex.raw('CREATE INDEX source_records_given_name ON source_records (given_name_key)');
  await knex.raw('CREATE INDEX source_records_family_name ON source_records (family_name_key)');
  await knex.raw('CREATE INDEX source_records_city ON source_records (city_key)');
  await knex.raw('CREATE INDEX source_records_family_soundex_birth_year ON source_records (soundex(family_name_key), left(birth_date, 4))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX source_records_family_soundex_birth_year');
  await knex.raw('DROP INDEX source_records_city');
  await knex.raw('DROP INDEX source_records_family_name');
  await knex.raw('DROP INDEX source_records_given_name');
  await knex.raw('DROP INDEX source_records_email_trgm');
}
