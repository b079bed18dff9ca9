import type { AuditRunSummary, CheckScore, CheckTrend } from '../../core/audits/types';

/** A check of a run as the report fixtures use it: its score and its trend. */
export interface ScoredCheck {
  score: CheckScore;
  trend: CheckTrend;
}

/** Email validity, critical, failing: 3.1% of a million rows, worse than 2% the run before. */
export const failingEmailCheck: ScoredCheck = {
  score: { checkId: 'validity-email', type: 'validity', severity: 'critical', description: 'Email addresses are valid', rowsChecked: 1_000_000, rowsFailed: 31_000, failedPercent: 3.1, threshold: 0.98, passed: false },
  trend: { checkId: 'validity-email', previousFailedPercent: 2, delta: 1.1, newlyFailing: 11_500 },
};

/** Freshness, low, passing with no row failing, unchanged. */
export const passingFreshnessCheck: ScoredCheck = {
  score: { checkId: 'freshness', type: 'freshness', severity: 'low', description: 'Updated in the last 24 months', rowsChecked: 1_000_000, rowsFailed: 0, failedPercent: 0, threshold: 0.9, passed: true },
  trend: { checkId: 'freshness', previousFailedPercent: 0, delta: 0, newlyFailing: 0 },
};

/** The completed run run-7 of the Paris head office over a million rows, with these checks (the
 * reports' unit tests read it; run-6 is the previous run). */
export function completedParisRun(checks: readonly ScoredCheck[]): AuditRunSummary {
  return {
    id: 'run-7',
    siteId: 'fr-paris-hq',
    workflowId: 'audit:fr-paris-hq:9f2c41d0-2026-11-30T05:00:00Z',
    status: 'completed',
    progress: { checksDone: checks.length, checksTotal: checks.length, rowsScanned: checks.length * 1_000_000, rowsTotal: 1_000_000 },
    startedAt: new Date('2026-11-30T05:00:00Z'),
    finishedAt: new Date('2026-11-30T05:04:00Z'),
    rulesVersion: 'abc123',
    scorecard: checks.map((check) => check.score),
    previousRunId: 'run-6',
    trend: checks.map((check) => check.trend),
  };
}
