import { IMPORT_ROW_OUTCOMES, type ImportCounts } from '../../core/imports/import';

const BAR_WIDTH = 20;

export interface ImportFigures {
  totalRows: number;
  processedRows: number;
  counts: ImportCounts;
}

/** `created 300 linked 150 review 12 rejected 50 unchanged 0` */
export function countsText(counts: ImportCounts): string {
  return IMPORT_ROW_OUTCOMES.map((outcome) => `${outcome} ${counts[outcome]}`).join(' ');
}

/** `[#####...............] 512/1000 created 300 linked 150 ...` */
export function progressBar({ totalRows, processedRows, counts }: ImportFigures): string {
  const filled = totalRows === 0 ? BAR_WIDTH : Math.round((processedRows / totalRows) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${processedRows}/${totalRows} ${countsText(counts)}`;
}
