import type { Knex } from 'knex';

type Queryable = Knex | Knex.Transaction;

/** One published version of a rule file. */
export interface RulePublication {
  id: number;
  scope: string;
  version: number;
  content: unknown;
  fileText: string;
  contentHash: string;
  /** a user id, or 'rules-files' for the initial import */
  author: string;
  authorEmail: string | null;
  comment: string;
  publishedAt: Date;
  approvedBy: string | null;
  approvedByEmail: string | null;
  restoresVersion: number | null;
}

export type RulePublicationSummary = Omit<RulePublication, 'content' | 'fileText'>;

export type NewRulePublication = Pick<RulePublication, 'scope' | 'version' | 'content' | 'fileText' | 'contentHash' | 'author' | 'comment'> &
  Partial<Pick<RulePublication, 'approvedBy' | 'restoresVersion'>>;

const SUMMARY_COLUMNS = [
  'p.id',
  'p.scope',
  'p.version',
  'p.content_hash',
  'p.author',
  'a.email as author_email',
  'p.comment',
  'p.published_at',
  'p.approved_by',
  'b.email as approved_by_email',
  'p.restores_version',
];
const FULL_COLUMNS = [...SUMMARY_COLUMNS, 'p.content', 'p.file_text'];

/** Publications with the emails of their author and approver (ids stay the reference). */
function publications(db: Queryable, columns: string[]) {
  return db('rule_publications as p')
    .joinRaw('LEFT JOIN users a ON a.id::text = p.author')
    .joinRaw('LEFT JOIN users b ON b.id::text = p.approved_by')
    .select(columns);
}

/** The newest publication of every scope. */
export async function latestPublications(db: Queryable): Promise<RulePublication[]> {
  const rows = await publications(db, FULL_COLUMNS)
    .distinctOn('p.scope')
    .orderBy([{ column: 'p.scope' }, { column: 'p.version', order: 'desc' }]);
  return rows.map(fromRow);
}

export async function latestPublication(db: Queryable, scope: string): Promise<RulePublication | undefined> {
  const row = await publications(db, FULL_COLUMNS).where('p.scope', scope).orderBy('p.version', 'desc').first();
  return row ? fromRow(row) : undefined;
}

export async function findPublication(db: Queryable, scope: string, version: number): Promise<RulePublication | undefined> {
  const row = await publications(db, FULL_COLUMNS).where('p.scope', scope).where('p.version', version).first();
  return row ? fromRow(row) : undefined;
}

/** Every version of a scope, newest first, without content. */
export async function publicationHistory(db: Queryable, scope: string): Promise<RulePublicationSummary[]> {
  const rows = await publications(db, SUMMARY_COLUMNS).where('p.scope', scope).orderBy('p.version', 'desc');
  return rows.map(fromRow);
}

/** The id of the newest publication of any scope: a cheap way to notice that something changed. */
export async function newestPublicationId(db: Queryable): Promise<number> {
  const row = await db('rule_publications').max('id as id').first();
  return Number(row?.id ?? 0);
}

/** Inserts a version; a (scope, version) that exists already raises a unique violation. */
export async function insertPublication(db: Queryable, publication: NewRulePublication): Promise<number> {
  const insert = db('rule_publications').insert({
    scope: publication.scope,
    version: publication.version,
    content: JSON.stringify(publication.content),
    file_text: publication.fileText,
    content_hash: publication.contentHash,
    author: publication.author,
    comment: publication.comment,
    approved_by: publication.approvedBy ?? null,
    restores_version: publication.restoresVersion ?? null,
  });
  const [row]: Array<{ id: string }> = await insert.returning('id');
  return Number(row.id);
}

/** Publishes (and the first seed) take this transaction-level advisory lock, one after the other,
 * so each is validated against exactly the set it joins (a global change can break a site file). */
const PUBLISH_LOCK = 7_013_001;

export async function lockPublications(trx: Knex.Transaction): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(?)', [PUBLISH_LOCK]);
}

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

function fromRow(row: Record<string, any>): RulePublication {
  return {
    id: Number(row.id),
    scope: row.scope,
    version: row.version,
    // parsed from the text: jsonb reorders keys, the admin's order makes diffs and views readable
    content: row.file_text === undefined ? undefined : JSON.parse(row.file_text),
    fileText: row.file_text,
    contentHash: row.content_hash,
    author: row.author,
    authorEmail: row.author_email ?? null,
    comment: row.comment,
    publishedAt: row.published_at,
    approvedBy: row.approved_by,
    approvedByEmail: row.approved_by_email ?? null,
    restoresVersion: row.restores_version,
  };
}
