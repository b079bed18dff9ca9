import type { Knex } from 'knex';
import type { VersionedSiteRules } from '../core/rules/types';

/** Versions already written, per database (a test process talks to several). */
const remembered = new WeakMap<Knex, Set<string>>();

/** Keeps the content of every rules version a decision refers to, so its hash can be looked up.
 * Each process writes a version once. */
export async function rememberRuleVersion(db: Knex, scope: string, versioned: VersionedSiteRules): Promise<void> {
  const key = `${scope}:${versioned.version}`;
  const written = remembered.get(db) ?? new Set<string>();
  remembered.set(db, written);
  if (written.has(key)) return;
  await db('rule_versions')
    .insert({ hash: versioned.version, scope, content: JSON.stringify(versioned.rules) })
    .onConflict('hash')
    .ignore();
  written.add(key);
}
