import { severityRank } from './merge-checks';
import type { AuditCheck, CheckScore, CheckTrend, Severity } from './types';

/** Float noise must not fail a check sitting exactly on its threshold (e.g. 98 of 100 at 0.98). */
const EPSILON = 1e-9;

/** How a check scored: a check passes when the share of passing rows reaches its threshold; a
 * check with no rows to check passes (there is nothing wrong to report). */
export function scoreCheck(check: AuditCheck, rowsChecked: number, rowsFailed: number): CheckScore {
  const failedShare = rowsChecked === 0 ? 0 : rowsFailed / rowsChecked;
  return {
    checkId: check.id,
    type: check.type,
    severity: check.severity,
    description: check.description,
    rowsChecked,
    rowsFailed,
    failedPercent: roundPercent(100 * failedShare),
    threshold: check.threshold,
    passed: 1 - failedShare >= check.threshold - EPSILON,
  };
}

/** A check's trend against the previous run's score of the same check. Without one (first run,
 * or a check new since) there is no delta, and every failing row is newly failing. */
export function trendOf(score: CheckScore, previous: CheckScore | undefined, newlyFailing: number | undefined): CheckTrend {
  if (!previous) return { checkId: score.checkId, previousFailedPercent: null, delta: null, newlyFailing: score.rowsFailed };
  return {
    checkId: score.checkId,
    previousFailedPercent: previous.failedPercent,
    delta: roundPercent(score.failedPercent - previous.failedPercent),
    newlyFailing: newlyFailing ?? 0,
  };
}

/** The checks whose failing rows become data-fix tasks: failed, at or above the rules' severity. */
export function checksNeedingFixTasks(scores: readonly CheckScore[], minSeverity: Severity): string[] {
  return scores.filter((score) => !score.passed && severityRank(score.severity) >= severityRank(minSeverity)).map((score) => score.checkId);
}

/** Percentages kept to 4 decimals: enough to show a single failing row in a million. */
function roundPercent(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
