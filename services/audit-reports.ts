import type { AuditReportSource } from '../api/pages/audit-report-pages';
import { isUuid } from '../core/ids';
import type { Db } from '../runtime/db';
import { failingRowsPage, getAuditRun, listAuditRuns } from '../store/audit-runs';

/** Runs of a site read to find the ones before a report's run (the chart shows at most a dozen). */
const RUNS_SCANNED_FOR_TREND = 100;

/** The report page's figures, from the audit engine's store. */
export function auditReportSource(db: Db): AuditReportSource {
  return {
    run: async (runId) => (isUuid(runId) ? getAuditRun(db, runId) : undefined),

    async trendRuns(run, limit) {
      const { runs } = await listAuditRuns(db, run.siteId, { limit: RUNS_SCANNED_FOR_TREND, offset: 0 });
      // newest first: the runs up to this one that have a scorecard, this one included
      const earlier = runs.filter((other) => other.id === run.id || (other.status === 'completed' && other.startedAt <= run.startedAt));
      return earlier
        .slice(0, limit)
        .reverse()
        .map((other) => ({ runId: other.id, at: other.startedAt, scores: other.scorecard.map(({ checkId, failedPercent }) => ({ checkId, failedPercent })) }));
    },

    async failingRows(runId, checkId, page) {
      const { rows, kept } = await failingRowsPage(db, runId, checkId, page);
      return {
        rows: rows.map((row) => ({
          customerId: row.customerId,
          source: row.sourceSystem && row.sourceId ? `${row.sourceSystem}:${row.sourceId}` : row.sourceRecordId,
          reason: row.reason,
        })),
        offset: page.offset,
        stored: kept,
      };
    },
  };
}
