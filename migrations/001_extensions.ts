import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  for (const extension of ['pg_trgm', 'fuzzystrmatch', 'unaccent', 'pgcrypto']) {
    await knex.raw(`CREATE EXTENSION IF NOT EXISTS ${extension}`);
  }
}

export async function down(): Promise<void> {
  // Extensions may be shared with other schemas: never dropped.
}
