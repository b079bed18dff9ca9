import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { isCustomerField, type CustomerField, type CustomerRecord } from '../core/customer';

/** A benchmark record: its id (only to join with the truth) and what the matcher may see. */
export interface LabelledRecord {
  id: string;
  record: CustomerRecord;
}

/** CSV column -> customer field. Several columns mapped to one field are joined with a space, in
 * column order (FEBRL's street_number and address_1 make the street). */
export type ColumnMapping = Record<string, CustomerField>;

export const BUILT_IN_MAPPING: ColumnMapping = {
  // FEBRL
  given_name: 'givenName',
  surname: 'familyName',
  street_number: 'street',
  address_1: 'street',
  address_2: 'addressLine2',
  suburb: 'city',
  postcode: 'postcode',
  state: 'region',
  date_of_birth: 'birthDate',
  soc_sec_id: 'nationalId',
  // Splink fake_1000
  first_name: 'givenName',
  dob: 'birthDate',
  city: 'city',
  email: 'email',
  // Splink historical_50k (its full_name, gender and occupation have no customer field)
  birth_place: 'city',
  postcode_fake: 'postcode',
};

export function readMappingFile(path: string): ColumnMapping {
  const mapping = JSON.parse(fs.readFileSync(path, 'utf8')) as Record<string, string>;
  for (const [column, field] of Object.entries(mapping)) {
    if (!isCustomerField(field)) throw new Error(`${path}: column "${column}" maps to "${field}", which is not a customer field`);
  }
  return mapping as ColumnMapping;
}

export interface LoadedRecords {
  records: LabelledRecord[];
  /** columns neither mapped nor hidden on purpose: the matcher does not see them either */
  unmappedColumns: string[];
}

/** Reads the CSV files in order (two-file linkage: the files one after the other), every column
 * as a string, and keeps from each row only the mapped columns that are not hidden. */
export function readLabelledRecords(
  paths: string[],
  options: { idColumn: string; hiddenColumns: string[]; mapping: ColumnMapping },
): LoadedRecords {
  const unmapped = new Set<string>();
  const records = paths.flatMap((path) => {
    const rows = parse(fs.readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true, cast: false }) as Record<string, string>[];
    const columns = Object.keys(rows[0] ?? {});
    if (!columns.includes(options.idColumn)) throw new Error(`${path}: no id column "${options.idColumn}" (columns: ${columns.join(', ')})`);
    const visible = columns.filter((column) => column !== options.idColumn && !options.hiddenColumns.includes(column));
    for (const column of visible) if (!options.mapping[column]) unmapped.add(column);
    const mapped = visible.filter((column) => options.mapping[column]);
    return rows.map((row) => ({ id: row[options.idColumn]!, record: toCustomerRecord(row, mapped, options.mapping) }));
  });
  return { records, unmappedColumns: [...unmapped] };
}

function toCustomerRecord(row: Record<string, string>, columns: string[], mapping: ColumnMapping): CustomerRecord {
  const record: CustomerRecord = {};
  for (const column of columns) {
    const value = row[column]?.trim();
    if (!value) continue;
    const field = mapping[column]!;
    record[field] = record[field] ? `${record[field]} ${value}` : value;
  }
  return record;
}
