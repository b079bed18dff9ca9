import type { Knex } from 'knex';
import type { RecordProblem } from '../core/customer';
import type { ImportRow } from '../core/imports/csv-columns';
import type { ImportProgress, ImportRejection, ImportRowOutcome, ImportStatus } from '../core/imports/import';

type Queryable = Knex | Knex.Transaction;

export interface NewImport {
  siteId: string;
  sourceSystem: string;
  fileName: string | null;
  createdBy: string;
}

export interface StagedRow extends ImportRow {
  line: number;
}

export interface StoredImportRow extends StagedRow {
  outcome: ImportRowOutcome | null;
  sourceRecordId: string | null;
}

export async function createImport(db: Queryable, newImport: NewImport): Promise<string> {
  const [row] = await db('imports')
    .insert({ site_id: newImport.siteId, source_system: newImport.sourceSystem, file_name: newImport.fileName, created_by: newImport.createdBy })
    .returning('id');
  return row.id;
}

/** Stages a batch of rows. Returns the first row whose source id an earlier row of the file
 * already has, with that earlier line; nothing is returned when every source id is new. */
export async function stageImportRows(
  db: Queryable,
  importId: string,
  rows: StagedRow[],
): Promise<{ line: number; firstLine: number } | undefined> {
  if (rows.length === 0) return undefined;
  const inserted: Array<{ line_number: number }> = await db('import_rows')
    .insert(rows.map((row) => ({ import_id: importId, line_number: row.line, source_id: row.sourceId, record: JSON.stringify(row.record) })))
    .onConflict(['import_id', 'source_id'])
    .ignore()
    .returning('line_number');
  if (inserted.length === rows.length) return undefined;
  const insertedLines = new Set(inserted.map((row) => row.line_number));
  const repeated = rows.find((row) => !insertedLines.has(row.line))!;
  const first = await db('import_rows').where({ import_id: importId, source_id: repeated.sourceId }).first('line_number');
  return { line: repeated.line, firstLine: first.line_number };
}

/** The file is staged: from now on the workflow owns the import. */
export async function markImportStaged(
  db: Queryable,
  importId: string,
  staged: { totalRows: number; contentHash: string; workflowId: string },
): Promise<void> {
  await db('imports').where({ id: importId }).update({
    status: 'running',
    total_rows: staged.totalRows,
    content_hash: staged.contentHash,
    workflow_id: staged.workflowId,
  });
}

export async function deleteImport(db: Queryable, importId: string): Promise<void> {
  await db('imports').where({ id: importId }).delete();
}

export async function findImport(db: Queryable, importId: string): Promise<ImportProgress | undefined> {
  const row = await db('imports').where({ id: importId }).first();
  return row ? fromRow(row) : undefined;
}

/** The next rows of an import in file order, after a line. */
export async function importRowsAfter(db: Queryable, importId: string, afterLine: number, limit: number): Promise<StoredImportRow[]> {
  const rows = await db('import_rows').where({ import_id: importId }).andWhere('line_number', '>', afterLine).orderBy('line_number').limit(limit);
  return rows.map((row) => ({
    line: row.line_number,
    sourceId: row.source_id,
    record: row.record,
    outcome: row.outcome,
    sourceRecordId: row.source_record_id,
  }));
}

/** Remembers that this row brought the source record in, so a retry onboards it rather than
 * taking it for a repeat of an earlier import. */
export async function setRowSourceRecord(db: Queryable, importId: string, line: number, sourceRecordId: string): Promise<void> {
  await db('import_rows').where({ import_id: importId, line_number: line }).update({ source_record_id: sourceRecordId });
}

/** Stores a row's outcome once and counts it in the same transaction: a page processed again
 * after a crash finds the outcome stored and counts nothing twice. */
export async function recordRowOutcome(
  db: Queryable,
  importId: string,
  line: number,
  outcome: ImportRowOutcome,
  problems: RecordProblem[] | null,
): Promise<void> {
  await db.transaction(async (trx) => {
    const updated = await trx('import_rows')
      .where({ import_id: importId, line_number: line })
      .whereNull('outcome')
      .update({ outcome, reason: problems ? JSON.stringify(problems) : null });
    if (updated === 0) return;
    await trx('imports').where({ id: importId }).increment({ processed_rows: 1, [outcome]: 1 });
  });
}

export async function markImportFinished(db: Queryable, importId: string, status: Extract<ImportStatus, 'completed' | 'failed'>): Promise<void> {
  await db('imports').where({ id: importId }).whereNull('finished_at').update({ status, finished_at: db.fn.now() });
}

/** Rejected rows read per query while the rejections file streams out. */
const REJECTIONS_PAGE = 500;

/** The rejected rows in file order, a page at a time, so a large file's rejections stream out. */
export async function* importRejections(db: Queryable, importId: string): AsyncGenerator<ImportRejection> {
  let afterLine = 0;
  for (;;) {
    const rows = await db('import_rows')
      .where({ import_id: importId, outcome: 'rejected' })
      .andWhere('line_number', '>', afterLine)
      .orderBy('line_number')
      .limit(REJECTIONS_PAGE)
      .select('line_number', 'source_id', 'reason');
    for (const row of rows) yield { line: row.line_number, sourceId: row.source_id, problems: row.reason ?? [] };
    if (rows.length < REJECTIONS_PAGE) return;
    afterLine = rows[rows.length - 1].line_number;
  }
}

function fromRow(row: Record<string, any>): ImportProgress {
  return {
    importId: row.id,
    siteId: row.site_id,
    sourceSystem: row.source_system,
    fileName: row.file_name,
    status: row.status,
    workflowId: row.workflow_id,
    totalRows: row.total_rows,
    processedRows: row.processed_rows,
    counts: { created: row.created, linked: row.linked, review: row.review, rejected: row.rejected, unchanged: row.unchanged },
    createdBy: row.created_by,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
