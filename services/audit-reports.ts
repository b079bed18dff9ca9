import type { AuditReportSource } from '../api/pages/audit-report-pages';
import { isUuid } from '../core/ids';
import type { Db } from '../runtime/db';
import { failingRowsPage, getAuditRun, runsUpTo } from '../store/audit-runs';

/** The report page's figures, from the audit engine's store. */
export function auditReportSource(db: Db): AuditReportSource {
  return {
    run: async (runId) => (isUuid(runId) ? getAuditRun(db, runId) : undefined),

    async trendRuns(run, limit) {
      return (await runsUpTo(db, run, limit))
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
