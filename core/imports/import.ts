import type { RecordProblem } from '../customer';

export type ImportStatus = 'receiving' | 'running' | 'completed' | 'failed';

/** What became of one row: an onboarding outcome, or `unchanged` when the same source record
 * with the same content was received before. */
export const IMPORT_ROW_OUTCOMES = ['created', 'linked', 'review', 'rejected', 'unchanged'] as const;
export type ImportRowOutcome = (typeof IMPORT_ROW_OUTCOMES)[number];

export type ImportCounts = Record<ImportRowOutcome, number>;

/** An import as the API shows it: ids, figures and dates, no personal data. */
export interface ImportProgress {
  importId: string;
  siteId: string;
  sourceSystem: string;
  fileName: string | null;
  status: ImportStatus;
  workflowId: string | null;
  totalRows: number;
  processedRows: number;
  counts: ImportCounts;
  createdBy: string;
  createdAt: Date;
  finishedAt: Date | null;
}

/** One rejection of a row, for the rejections file: which line, which record, what is wrong. */
export interface ImportRejection {
  line: number;
  sourceId: string;
  problems: RecordProblem[];
}
