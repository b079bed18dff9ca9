import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Golden records: derived from their source records by the survivorship rules.
  await knex.schema.createTable('customers', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('status').notNullable().defaultTo('active');
    t.text('home_site_id').notNullable();
    t.jsonb('record').notNullable();
    // field -> which source record gave the value, under which strategy
    t.jsonb('provenance').notNullable();
    t.text('name_key');
    t.text('rules_version').notNullable();
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE INDEX customers_name_key_trgm ON customers USING gin (name_key gin_trgm_ops)');

  // What each site sent, raw and normalised, with the match keys blocking reads.
  await knex.schema.createTable('source_records', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('site_id').notNullable();
    t.text('source_system').notNullable();
    t.text('source_id').notNullable();
    // received -> linked | pending_review | rejected
    t.text('status').notNullable().defaultTo('received');
    t.uuid('customer_id').references('customers.id');
    t.jsonb('raw').notNullable();
    t.text('raw_hash').notNullable();
    t.jsonb('record');
    t.jsonb('problems');
    // what onboarding decided: { outcome, customerId?, taskId?, ... } (ids and numbers only)
    t.jsonb('outcome');
    // match keys: lower case, accents stripped, punctuation removed
    t.text('given_name_key');
    t.text('family_name_key');
    t.text('name_key');
    t.text('birth_date');
    t.text('email_key');
    t.text('phone_key');
    t.text('postcode_key');
    t.text('city_key');
    t.text('street_key');
    t.text('national_id_key');
    t.text('rules_version');
    t.text('workflow_id');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['site_id', 'source_system', 'source_id']);
  });
  await knex.raw('CREATE INDEX source_records_customer ON source_records (customer_id)');
  await knex.raw('CREATE INDEX source_records_workflow ON source_records (workflow_id)');
  await knex.raw('CREATE INDEX source_records_name_trgm ON source_records USING gin (name_key gin_trgm_ops)');
  await knex.raw('CREATE INDEX source_records_family_trgm ON source_records USING gin (family_name_key gin_trgm_ops)');
  await knex.raw('CREATE INDEX source_records_email ON source_records (email_key)');
  await knex.raw('CREATE INDEX source_records_phone ON source_records (phone_key)');
  await knex.raw('CREATE INDEX source_records_postcode_birth ON source_records (postcode_key, birth_date)');
  await knex.raw('CREATE INDEX source_records_national_id ON source_records (national_id_key)');

  // Each scored comparison of a source record with a candidate golden record: the explanation
  // shown for a link, and the evidence behind a review task.
  await knex.schema.createTable('match_evaluations', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('source_record_id').notNullable().references('source_records.id');
    t.uuid('customer_id').notNullable().references('customers.id');
    // the candidate's source record that scored best
    t.uuid('matched_source_record_id').references('source_records.id');
    t.double('weight').notNullable();
    t.double('probability').notNullable();
    t.text('band').notNullable();
    t.jsonb('explanation').notNullable();
    t.text('rules_version').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['source_record_id', 'customer_id', 'rules_version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('match_evaluations');
  await knex.schema.dropTable('source_records');
  await knex.schema.dropTable('customers');
}
