/** Retention, erasure and legal holds: what the rule files say and what a purge or erasure reports. */

/** The kinds of stored data a retention rule covers, each purged by its own query. */
export const RETENTION_CATEGORIES = ['sourceRecords', 'importRows', 'changeLog'] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

export const RETENTION_ACTIONS = ['delete', 'anonymise'] as const;
export type RetentionAction = (typeof RETENTION_ACTIONS)[number];

/** How long one category of data is kept after its last activity, and what happens then. */
export interface RetentionRule {
  /** ISO 8601 duration of inactivity after which the data expires, e.g. P3Y */
  inactiveFor: string;
  action: RetentionAction;
  /** why the data may be kept that long, e.g. "GDPR art. 6(1)(b): contract" */
  legalBasis: string;
  /** global file only: the shortest inactiveFor a site may set */
  minimumInactiveFor?: string;
}

export interface ErasureRules {
  /** legal deadline to answer an erasure request, in elapsed time (ISO 8601), e.g. P30D */
  deadline: string;
  /** a deadline per jurisdiction (site.jurisdiction) that differs from the default */
  deadlineByJurisdiction: Record<string, string>;
  /** remind the compliance officers when the request is still undecided after this long */
  remindAfter: string;
  /** escalate (mail the back-ups too) when still undecided after this long */
  escalateAfter: string;
}

export interface RetentionRules {
  categories: Record<RetentionCategory, RetentionRule>;
  erasure: ErasureRules;
}

/** What one purge found or did, per category: never personal data. */
export type PurgeCounts = Record<RetentionCategory, number> & {
  goldenRecordsRecomputed: number;
  goldenRecordsRemoved: number;
  skippedUnderHold: number;
};

export function emptyPurgeCounts(): PurgeCounts {
  return { sourceRecords: 0, importRows: 0, changeLog: 0, goldenRecordsRecomputed: 0, goldenRecordsRemoved: 0, skippedUnderHold: 0 };
}

export function addPurgeCounts(a: PurgeCounts, b: Partial<PurgeCounts>): PurgeCounts {
  const sum = { ...a };
  for (const [key, value] of Object.entries(b) as [keyof PurgeCounts, number][]) sum[key] += value ?? 0;
  return sum;
}
