import { CUSTOMER_FIELDS, type CustomerField, type CustomerRecord } from '../customer';

/** A file that cannot be imported as a whole: what is wrong and on which line (1-based). */
export class ImportFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'ImportFileError';
  }
}

export type ImportColumn = { kind: 'sourceId' } | { kind: 'field'; field: CustomerField };

/** One data row of an import file: its source id and the customer fields it gives. */
export interface ImportRow {
  sourceId: string;
  record: CustomerRecord;
}

const SOURCE_ID = 'sourceid';
/** Lower-case camelCase name -> field, so givenName, GivenName and given_name all match. */
const FIELD_BY_KEY = new Map<string, CustomerField>(CUSTOMER_FIELDS.map((field) => [field.toLowerCase(), field]));

function columnKey(name: string): string {
  return name.trim().replace(/_/g, '').toLowerCase();
}

/** Reads the header row; throws naming a repeated or unknown column, or a missing source_id. */
export function importColumns(header: string[], line: number): ImportColumn[] {
  const keys = header.map(columnKey);
  const repeated = header.find((_, index) => keys.indexOf(keys[index]) !== index);
  if (repeated !== undefined) throw new ImportFileError(line, `column "${repeated}" appears twice`);
  const unknown = header.filter((_, index) => keys[index] !== SOURCE_ID && !FIELD_BY_KEY.has(keys[index]));
  if (unknown.length > 0) {
    const names = unknown.map((name) => `"${name}"`).join(', ');
    throw new ImportFileError(line, `unknown column(s) ${names}: the columns are source_id and ${CUSTOMER_FIELDS.join(', ')}`);
  }
  if (!keys.includes(SOURCE_ID)) throw new ImportFileError(line, 'the header has no source_id column: every row needs the id the source system gives it');
  return keys.map((key): ImportColumn => (key === SOURCE_ID ? { kind: 'sourceId' } : { kind: 'field', field: FIELD_BY_KEY.get(key)! }));
}

/** One data row as a record: every value a string, an empty value a missing field. */
export function importRow(columns: ImportColumn[], values: string[], line: number): ImportRow {
  let sourceId = '';
  const record: CustomerRecord = {};
  columns.forEach((column, index) => {
    const value = values[index] ?? '';
    if (column.kind === 'sourceId') sourceId = value.trim();
    else if (value.trim() !== '') record[column.field] = value;
  });
  if (sourceId === '') throw new ImportFileError(line, 'source_id is empty');
  return { sourceId, record };
}
