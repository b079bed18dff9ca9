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
  /** rows done of rows to do, for progress while running */
  progress: { checksDone: number; checksTotal: number; rowsScanned: number };
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
