import { mailTemplateProblem, renderMailTemplate, type RenderedMail } from '../mail-template';
import type { EmailTemplates } from '../rules/types';
import type { AuditRunSummary, CheckScore, CheckTrend } from './types';

/** One check as the report mail shows it: counts and shares (0..1, for {{percent}}), never rows. */
export interface AuditReportCheckLine {
  checkId: string;
  description: string;
  type: string;
  severity: string;
  rowsChecked: number;
  rowsFailed: number;
  /** share of rows failing, 0..1 */
  failedShare: number;
  /** share of rows that may fail and the check still pass: 1 - threshold */
  allowedShare: number;
  passed: boolean;
  /** against the previous run; all false on the first run of a site */
  better: boolean;
  worse: boolean;
  unchanged: boolean;
  /** the change of failedShare since the previous run, without its sign (0..1) */
  change: number;
  newlyFailing: number;
}

/** What the audit report mail may show: figures and check names, never customer values. */
export interface AuditReportMailContext {
  site: { id: string; name: string; timeZone: string };
  run: { id: string; workflowId: string; startedAt: string | Date; finishedAt: string | Date; rulesVersion: string };
  /** the report page, with a link key for this recipient */
  link: string;
  linkValidUntil: string | Date;
  recipient: string;
  totals: { checks: number; passed: number; failed: number };
  /** false on the first audit of a site: no trend to show */
  hasPrevious: boolean;
  checks: AuditReportCheckLine[];
  failingChecks: AuditReportCheckLine[];
}

export interface AuditReportMailInput {
  site: { id: string; name: string; timeZone: string };
  summary: AuditRunSummary;
  link: string;
  linkValidUntil: Date;
  recipient: string;
}

/** The mail's context from a finished run's summary. */
export function auditReportMailContext(input: AuditReportMailInput): AuditReportMailContext {
  const { summary } = input;
  const trends = new Map(summary.trend.map((trend) => [trend.checkId, trend]));
  // on a site's first audit every failing row is "new": that says nothing, so no trend is shown
  const checks = summary.scorecard.map((score) => checkLine(score, summary.previousRunId === null ? undefined : trends.get(score.checkId)));
  const passed = checks.filter((check) => check.passed).length;
  return {
    site: input.site,
    run: {
      id: summary.id,
      workflowId: summary.workflowId,
      startedAt: summary.startedAt,
      finishedAt: summary.finishedAt ?? summary.startedAt,
      rulesVersion: summary.rulesVersion,
    },
    link: input.link,
    linkValidUntil: input.linkValidUntil,
    recipient: input.recipient,
    totals: { checks: checks.length, passed, failed: checks.length - passed },
    hasPrevious: summary.previousRunId !== null,
    checks,
    failingChecks: checks.filter((check) => !check.passed),
  };
}

/** Differences below this (in percentage points) read as unchanged: float noise, not a trend. */
const UNCHANGED_BELOW = 1e-6;

function checkLine(score: CheckScore, trend: CheckTrend | undefined): AuditReportCheckLine {
  const delta = trend?.delta ?? null;
  return {
    checkId: score.checkId,
    description: score.description,
    type: score.type,
    severity: score.severity,
    rowsChecked: score.rowsChecked,
    rowsFailed: score.rowsFailed,
    failedShare: score.failedPercent / 100,
    allowedShare: 1 - score.threshold,
    passed: score.passed,
    better: delta !== null && delta <= -UNCHANGED_BELOW,
    worse: delta !== null && delta >= UNCHANGED_BELOW,
    unchanged: delta !== null && Math.abs(delta) < UNCHANGED_BELOW,
    change: delta === null ? 0 : Math.abs(delta) / 100,
    newlyFailing: trend?.newlyFailing ?? 0,
  };
}

/** Renders the report mail of the rule files (emailTemplates.auditReport). */
export function renderAuditReportMail(templates: EmailTemplates, context: AuditReportMailContext): RenderedMail {
  return renderMailTemplate(templates.auditReport, templates.locale, context);
}

/** Why a template cannot render the report mail (syntax, unknown variable or helper), or undefined. */
export function auditReportTemplateProblem(template: string): string | undefined {
  return mailTemplateProblem(template, SAMPLE_CONTEXT);
}

const sampleLine: AuditReportCheckLine = {
  checkId: 'validity-email',
  description: 'Email addresses are valid',
  type: 'validity',
  severity: 'high',
  rowsChecked: 1000,
  rowsFailed: 12,
  failedShare: 0.012,
  allowedShare: 0.02,
  passed: true,
  better: true,
  worse: false,
  unchanged: false,
  change: 0.003,
  newlyFailing: 2,
};

const SAMPLE_CONTEXT: AuditReportMailContext = {
  site: { id: 'sample-site', name: 'Sample site', timeZone: 'UTC' },
  run: { id: 'sample-run', workflowId: 'audit:sample-site-2026-01-05T06:00:00Z', startedAt: '2026-01-05T06:00:00Z', finishedAt: '2026-01-05T06:01:00Z', rulesVersion: 'sample' },
  link: 'https://stewardship.example/audits/sample-run?key=sample',
  linkValidUntil: '2026-02-04T06:01:00Z',
  recipient: 'officer@sample.example',
  totals: { checks: 2, passed: 1, failed: 1 },
  hasPrevious: true,
  checks: [sampleLine, { ...sampleLine, checkId: 'freshness', passed: false }],
  failingChecks: [{ ...sampleLine, checkId: 'freshness', passed: false }],
};
