import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { ImportFileError, importColumns, importRow, type ImportColumn } from '../core/imports/csv-columns';
import type { Db } from '../runtime/db';
import { stageImportRows, type StagedRow } from '../store/imports';

/** Rows per INSERT while staging: few round trips, small statements. */
const STAGING_BATCH_ROWS = 500;

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/** Streams a CSV file into import_rows, batch by batch, without holding the file in memory.
 * Throws an ImportFileError naming the line for a malformed file; the caller runs this in a
 * transaction, so nothing stays staged then. */
export async function stageCsv(db: Db, importId: string, csv: Readable): Promise<{ totalRows: number; contentHash: string }> {
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  // the last line csv-parse read a whole record from, tracked as it parses: a parse error
  // arrives before the records buffered ahead of it are consumed
  let lastLine = 0;
  const parser = parse({
    info: true,
    bom: true,
    skip_empty_lines: true,
    on_record: (record, context) => {
      lastLine = context.lines;
      return record;
    },
  });
  csv.on('error', (error) => parser.destroy(error));
  csv.pipe(hashing).pipe(parser);

  let columns: ImportColumn[] | undefined;
  let batch: StagedRow[] = [];
  let totalRows = 0;
  const flush = async () => {
    const repeated = await stageImportRows(db, importId, batch);
    batch = [];
    if (repeated) throw new ImportFileError(repeated.line, `source_id repeats the one of line ${repeated.firstLine}: each source record may appear once per file`);
  };
  try {
    for await (const { record, info } of parser as AsyncIterable<ParsedRecord>) {
      if (!columns) {
        columns = importColumns(record, info.lines);
        continue;
      }
      batch.push({ line: info.lines, ...importRow(columns, record, info.lines) });
      totalRows++;
      if (batch.length >= STAGING_BATCH_ROWS) await flush();
    }
    await flush();
  } catch (error) {
    throw error instanceof CsvError ? csvFileError(error, lastLine) : error;
  } finally {
    // drain what the client still sends, rather than closing its connection, so it reads our answer
    csv.unpipe(hashing);
    csv.resume();
  }
  if (!columns) throw new ImportFileError(1, 'the file is empty: it needs a header row with source_id and the customer fields');
  return { totalRows, contentHash: hash.digest('hex') };
}

/** csv-parse's error, said in the terms of an import file. */
function csvFileError(error: CsvError, lastLine: number): ImportFileError {
  const line = typeof error.lines === 'number' ? error.lines : lastLine + 1;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      // csv-parse reports the end of the file; the unclosed quote opened in the record after the last good one
      return new ImportFileError(lastLine + 1, 'a quoted value is never closed: add the closing double quote (write "" for a quote inside a value)');
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return new ImportFileError(line, 'the row has a different number of values than the header has columns');
    default:
      return new ImportFileError(line, `the CSV cannot be read: ${error.message}`);
  }
}
