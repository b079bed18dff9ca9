import type { Knex } from 'knex';

type Queryable = Knex | Knex.Transaction;

/** A rule file an admin is working on; nothing uses it until it is published. */
export interface RuleDraft {
  id: string;
  scope: string;
  content: unknown;
  fileText: string;
  /** the published version the draft started from */
  baseVersion: number;
  author: string;
  createdAt: Date;
  updatedAt: Date;
}

export async function createDraft(
  db: Queryable,
  draft: { scope: string; content: unknown; fileText: string; baseVersion: number; author: string },
): Promise<RuleDraft> {
  const [row] = await db('rule_drafts')
    .insert({ scope: draft.scope, content: JSON.stringify(draft.content), file_text: draft.fileText, base_version: draft.baseVersion, author: draft.author })
    .returning('*');
  return fromRow(row);
}

export async function findDraft(db: Queryable, scope: string, id: string): Promise<RuleDraft | undefined> {
  const row = await db('rule_drafts').where({ scope, id }).first();
  return row ? fromRow(row) : undefined;
}

export async function draftsOfScope(db: Queryable, scope: string): Promise<RuleDraft[]> {
  const rows = await db('rule_drafts').where({ scope }).orderBy('updated_at', 'desc');
  return rows.map(fromRow);
}

export async function updateDraft(db: Queryable, id: string, draft: { content: unknown; fileText: string; baseVersion: number }): Promise<RuleDraft> {
  const [row] = await db('rule_drafts')
    .where({ id })
    .update({ content: JSON.stringify(draft.content), file_text: draft.fileText, base_version: draft.baseVersion, updated_at: db.fn.now() })
    .returning('*');
  return fromRow(row);
}

export async function deleteDraft(db: Queryable, id: string): Promise<boolean> {
  return (await db('rule_drafts').where({ id }).delete()) > 0;
}

function fromRow(row: Record<string, any>): RuleDraft {
  return {
    id: row.id,
    scope: row.scope,
    // parsed from the text: jsonb reorders keys, the admin's order makes diffs and views readable
    content: row.file_text === undefined ? undefined : JSON.parse(row.file_text),
    fileText: row.file_text,
    baseVersion: row.base_version,
    author: row.author,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
