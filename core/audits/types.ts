import type { CustomerField } from '../customer';

/** Periodic quality audits: the contract between the audit engine, its schedules and its report. */

export const AUDIT_CHECK_TYPES = ['completeness', 'validity', 'consistency', 'uniqueness', 'freshness', 'conformity'] as const;
export type AuditCheckType = (typeof AUDIT_CHECK_TYPES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One check of a site's rules (global checks merged with the site's, by id). */
export interface AuditCheck {
  id: string;
  type: AuditCheckType;
  description: string;
  /** the fields the check reads (completeness, validity) */
  fields?: CustomerField[];
  /** consistency: which rule (e.g. "phoneCountry", "postcodeCity") and its reference data */
  rule?: string;
  reference?: Record<string, string>;
  /** freshness: rows not updated for this long fail (ISO 8601 duration, e.g. P24M) */
  maxAge?: string;
  /** the share of rows that must pass, 0..1 */
  threshold: number;
  severity: Severity;
}

/** How one check scored in one run. */
export interface CheckScore {
  checkId: string;
  type: AuditCheckType;
  severity: Severity;
  description: string;
  rowsChecked: number;
  rowsFailed: number;
  /** rowsFailed / rowsChecked as a percentage of failures: 100 * failed / checked (0 when no rows) */
  failedPercent: number;
  threshold: number;
  passed: boolean;
}

/** A check's score against the previous run of the same site. */
export interface CheckTrend {
  checkId: string;
  previousFailedPercent: number | null;
  /** failedPercent minus the previous one: negative is better */
  delta: number | null;
  /** rows failing now that did not fail in the previous run */
  newlyFailing: number;
}

export type AuditRunStatus = 'running' | 'completed' | 'failed';

export interface AuditRunSummary {
  id: string;
  siteId: string;
  workflowId: string;
  status: AuditRunStatus;
  /** rows done of rows to do, for progress while running (rowsTotal: the site's rows when the run began) */
  progress: { checksDone: number; checksTotal: number; rowsScanned: number; rowsTotal: number };
  startedAt: Date;
  finishedAt: Date | null;
  rulesVersion: string;
  scorecard: CheckScore[];
  previousRunId: string | null;
  trend: CheckTrend[];
}

/** Input of the audit workflow: workflow id audit:<site>:<scheduled time>. */
export interface AuditInput {
  siteId: string;
}

/** The consistency rules a check may name. */
export const CONSISTENCY_RULES = ['phoneCountry', 'postcodeCity'] as const;
export type ConsistencyRule = (typeof CONSISTENCY_RULES)[number];

/** The audits section of the rules in force for a site. */
export interface AuditRules {
  /** global checks, each overlaid by the site's check of the same id, then the site's own checks */
  checks: AuditCheck[];
  /** failing checks at or above minSeverity open data-fix tasks, at most maxPerRun new ones per run */
  fixTasks: { minSeverity: Severity; maxPerRun: number };
  /** failing rows stored per check and run; the counts are always exact */
  failingRowsKept: number;
  report: AuditReportSettings;
}

/** How an audit run's report is shown (api/pages/audit-report-pages, activities/audit-reports). */
export interface AuditReportSettings {
  /** ISO 8601 duration the mailed report link works for, in elapsed time from the run's end */
  linkValidFor: string;
  /** failing rows per check and page of the report page */
  rowsPerPage: number;
}

/** A check as a site file writes it: a known id tightens the global check, a new id adds a check. */
export type SiteAuditCheck = Pick<AuditCheck, 'id'> & Partial<Omit<AuditCheck, 'id'>>;

/** The audits section of a site file: everything optional. */
export interface SiteAuditRules {
  checks?: SiteAuditCheck[];
  fixTasks?: Partial<AuditRules['fixTasks']>;
  failingRowsKept?: number;
  report?: Partial<AuditReportSettings>;
}
