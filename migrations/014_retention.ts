import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A customer under legal hold is never purged or erased while the hold is active.
  await knex.schema.createTable('legal_holds', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    // no foreign key: a hold outlives nothing it protects, and the list of holds is evidence
    t.uuid('customer_id').notNullable();
    t.text('reason').notNullable();
    t.text('reference').notNullable();
    t.timestamp('expires_at', { useTz: true });
    t.text('placed_by').notNullable();
    t.timestamp('placed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('lifted_by');
    t.text('lift_reason');
    t.timestamp('lifted_at', { useTz: true });
  });
  await knex.raw('CREATE INDEX legal_holds_customer ON legal_holds (customer_id) WHERE lifted_at IS NULL');

  // The purge log: what each purge found or did, in counts and hashed ids, never personal data.
  await knex.schema.createTable('purge_runs', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('site_id').notNullable();
    t.text('workflow_id').notNullable().unique();
    t.boolean('dry_run').notNullable();
    // running -> completed | failed
    t.text('status').notNullable().defaultTo('running');
    t.text('rules_version').notNullable();
    // per category: { cutoff, action, legalBasis }
    t.jsonb('plan').notNullable();
    t.jsonb('counts').notNullable().defaultTo('{}');
    t.text('started_by').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
  });
  await knex.raw('CREATE INDEX purge_runs_site ON purge_runs (site_id, started_at)');

  // One row per finished page, written in the transaction that purged it: a page retried after a
  // crash finds its row and is not processed twice.
  await knex.schema.createTable('purge_pages', (t) => {
    t.uuid('purge_id').notNullable().references('purge_runs.id');
    t.text('category').notNullable();
    t.integer('page').notNullable();
    t.text('last_key');
    t.jsonb('counts').notNullable();
    // sha256 of the ids purged in the page
    t.specificType('hashed_ids', 'text[]').notNullable().defaultTo('{}');
    t.timestamp('finished_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['purge_id', 'category', 'page']);
  });

  // Keyset order of the purge query: expired source records of a site, by id.
  await knex.raw('CREATE INDEX source_records_site_updated ON source_records (site_id, updated_at, id)');

  // Right-to-erasure requests. The identifying fields a request was filed with are never stored:
  // only the ids they found. After erasure, `proof` holds counts and hashed ids.
  await knex.schema.createTable('erasure_requests', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    // pending_approval -> approved -> completed | rejected | refused
    t.text('status').notNullable().defaultTo('pending_approval');
    t.specificType('customer_ids', 'uuid[]').notNullable();
    t.specificType('source_record_ids', 'uuid[]').notNullable();
    t.specificType('site_ids', 'text[]').notNullable();
    t.text('requester').notNullable();
    t.text('reason').notNullable();
    t.text('requested_by').notNullable();
    t.timestamp('deadline_at', { useTz: true }).notNullable();
    t.text('workflow_id').notNullable();
    t.text('decided_by');
    t.text('decision_reason');
    t.timestamp('decided_at', { useTz: true });
    // why the request could not go on (a legal hold): said to the requester and the officers
    t.text('refusal_reason');
    t.jsonb('proof');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
  });

  // The free text of a decision (an erasure reason, a review comment), stored before the decision
  // is sent to its workflow: the Update carries the note's id, so the text never reaches a
  // workflow history, which cannot be erased.
  await knex.schema.createTable('decision_notes', (t) => {
    t.uuid('id').primary();
    t.text('note').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Redaction: the change log stays append-only, except that erasure and retention may replace the
  // personal values (before/after) of an entry, inside a transaction that says so.
  await knex.schema.alterTable('change_log', (t) => {
    t.timestamp('redacted_at', { useTz: true });
    t.text('redacted_by');
  });
  await knex.raw(`
    CREATE OR REPLACE FUNCTION change_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND current_setting('stewardship.redacting', true) = 'on'
         AND NEW.id = OLD.id AND NEW.entity_type = OLD.entity_type AND NEW.entity_id = OLD.entity_id
         AND NEW.site_id IS NOT DISTINCT FROM OLD.site_id AND NEW.action = OLD.action
         AND NEW.actor = OLD.actor AND NEW.rules_version IS NOT DISTINCT FROM OLD.rules_version
         AND NEW.idempotency_key = OLD.idempotency_key AND NEW.created_at = OLD.created_at
         AND NEW.redacted_at IS NOT NULL THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'change_log is append-only';
    END $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION change_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'change_log is append-only'; END $$`);
  await knex.schema.alterTable('change_log', (t) => {
    t.dropColumn('redacted_by');
    t.dropColumn('redacted_at');
  });
  await knex.schema.dropTable('decision_notes');
  await knex.schema.dropTable('erasure_requests');
  await knex.raw('DROP INDEX source_records_site_updated');
  await knex.schema.dropTable('purge_pages');
  await knex.schema.dropTable('purge_runs');
  await knex.schema.dropTable('legal_holds');
}
