import Handlebars from 'handlebars';
import { renderTrendChart, type TrendRun } from '../../core/audits/trend-chart';
import type { AuditRunSummary, CheckScore, CheckTrend } from '../../core/audits/types';
import type { AuditReportPageModel, FailingRowsPage, FailingRowView, ReportCheckModel } from './audit-report-templates';
import { formatTime } from './review-view';

/** One page of a check's stored failing rows, as read from the store. */
export interface StoredFailingRows {
  rows: FailingRowView[];
  offset: number;
  /** rows stored for the check in this run (capped by audits.failingRowsKept; the counts are exact) */
  stored: number;
}

export interface AuditReportData {
  site: { id: string; name: string; timeZone: string };
  summary: AuditRunSummary;
  /** the site's runs up to this one, oldest first */
  trendRuns: TrendRun[];
  failingRows: Map<string, StoredFailingRows>;
  viewer: string;
  rowsPerPage: number;
  /** the URL of another page of a check's failing rows, keeping how the caller authenticated */
  pageLink: (checkId: string, offset: number) => string;
}

const numbers = new Intl.NumberFormat('en-GB');

export function auditReportPageModel(data: AuditReportData): AuditReportPageModel {
  const { summary } = data;
  const trends = new Map(summary.trend.map((trend) => [trend.checkId, trend]));
  const passed = summary.scorecard.filter((score) => score.passed).length;
  return {
    site: { id: data.site.id, name: data.site.name },
    run: {
      id: summary.id,
      workflowId: summary.workflowId,
      status: summary.status,
      startedAt: formatTime(summary.startedAt),
      finishedAt: summary.finishedAt ? formatTime(summary.finishedAt) : null,
      rulesVersion: summary.rulesVersion,
      progress:
        summary.status === 'running'
          ? `${summary.progress.checksDone} of ${summary.progress.checksTotal} checks done, ${numbers.format(summary.progress.rowsScanned)} rows scanned`
          : null,
    },
    viewer: data.viewer,
    totals: { checks: summary.scorecard.length, passed, failed: summary.scorecard.length - passed },
    chart: new Handlebars.SafeString(renderTrendChart(data.trendRuns, { timeZone: data.site.timeZone })),
    runsInChart: data.trendRuns.length,
    checks: summary.scorecard.map((score) => checkModel(score, summary.previousRunId === null ? undefined : trends.get(score.checkId), data)),
  };
}

function checkModel(score: CheckScore, trend: CheckTrend | undefined, data: AuditReportData): ReportCheckModel {
  const stored = data.failingRows.get(score.checkId);
  return {
    anchor: checkAnchor(score.checkId),
    checkId: score.checkId,
    description: score.description,
    type: score.type,
    severity: score.severity,
    rowsChecked: numbers.format(score.rowsChecked),
    rowsFailed: numbers.format(score.rowsFailed),
    failedPercent: percent(score.failedPercent),
    allowedPercent: percent(100 * (1 - score.threshold)),
    passed: score.passed,
    trend: trendText(trend),
    newlyFailing: trend && trend.newlyFailing > 0 ? numbers.format(trend.newlyFailing) : null,
    failingRows: stored && stored.rows.length > 0 ? failingRowsPage(score.checkId, stored, data) : null,
  };
}

function failingRowsPage(checkId: string, stored: StoredFailingRows, data: AuditReportData): FailingRowsPage {
  const { offset, rows } = stored;
  const anchor = `#${checkAnchor(checkId)}`;
  return {
    rows,
    from: offset + 1,
    to: offset + rows.length,
    stored: numbers.format(stored.stored),
    previous: offset > 0 ? data.pageLink(checkId, Math.max(0, offset - data.rowsPerPage)) + anchor : null,
    next: offset + rows.length < stored.stored ? data.pageLink(checkId, offset + rows.length) + anchor : null,
  };
}

/** A fragment id for the check's section (check ids are the rule files' ids). */
export function checkAnchor(checkId: string): string {
  return `check-${checkId.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function trendText(trend: CheckTrend | undefined): string {
  if (!trend || trend.delta === null) return 'no earlier run';
  if (Math.abs(trend.delta) < 1e-6) return 'unchanged';
  const points = Math.abs(trend.delta).toFixed(Math.abs(trend.delta) < 0.1 ? 2 : 1);
  return trend.delta < 0 ? `better by ${points} points` : `worse by ${points} points`;
}

function percent(value: number): string {
  return `${Number(value.toFixed(value > 0 && value < 0.1 ? 2 : 1))}%`;
}
