import type { Readable } from 'node:stream';
import type { Client } from '@temporalio/client';
import { ImportFileError } from '../core/imports/csv-columns';
import type { ImportProgress } from '../core/imports/import';
import { workflowIds } from '../core/workflow-ids';
import type { Db } from '../runtime/db';
import { createImport, deleteImport, findImport, markImportFinished, markImportStaged, type NewImport } from '../store/imports';
import { badRequest } from '../api/errors';
import { stageCsv } from './import-csv';

/** Stages the CSV in import_rows, then starts the import workflow. A malformed file is a 400
 * naming its line, and leaves nothing stored. */
export async function startImport(
  deps: { db: Db; client: Client; taskQueue: string },
  newImport: NewImport,
  csv: Readable,
): Promise<ImportProgress> {
  // stored first, as `receiving`, so the import can be followed while a large file streams in
  const importId = await createImport(deps.db, newImport);
  const workflowId = workflowIds.import(importId);
  try {
    await deps.db.transaction(async (trx) => {
      const staged = await stageCsv(trx, importId, csv);
      await markImportStaged(trx, importId, { ...staged, workflowId });
    });
  } catch (error) {
    await deleteImport(deps.db, importId);
    if (error instanceof ImportFileError) throw badRequest(`the CSV file is malformed at ${error.message}`, { line: error.line });
    throw error;
  }
  try {
    await deps.client.workflow.start('importCustomers', { taskQueue: deps.taskQueue, workflowId, args: [{ importId }] });
  } catch (error) {
    await markImportFinished(deps.db, importId, 'failed');
    throw error;
  }
  return (await findImport(deps.db, importId))!;
}
