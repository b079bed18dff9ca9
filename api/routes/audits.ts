import { Router } from 'express';
import type { AuditRunSummary } from '../../core/audits/types';
import { isUuid } from '../../core/ids';
import { startAuditRun } from '../../services/audits';
import { allFailingRows, findAuditRunPlan, getAuditRun, listAuditRuns, type FailingRow } from '../../store/audit-runs';
import type { User } from '../../store/users';
import { currentUser, requireAccess } from '../auth';
import { siteRules, type ApiContext } from '../context';
import { writeCsv } from '../csv';
import { badRequest, notFound } from '../errors';
import { optionalString, pageOf } from '../params';

/** Audits are the compliance officers' (and admins'): stewards get the fix tasks, not the reports. */
const AUDIT_ROLES = ['compliance', 'admin'] as const;

export function auditRoutes(context: ApiContext): Router {
  const router = Router();

  router.post('/sites/:site/audit-runs', async (req, res) => {
    const user = currentUser(res);
    const siteId = req.params.site;
    siteRules(context, siteId);
    requireAccess(user, { roles: AUDIT_ROLES, site: siteId });
    const started = await startAuditRun({ db: context.db, client: context.temporal, taskQueue: context.taskQueue }, siteId, user.id);
    context.log(`audit run ${started.runId} of site ${siteId} started by user ${user.id}`);
    res.status(202).json({ ...started, status: 'running' });
  });

  router.get('/sites/:site/audit-runs', async (req, res) => {
    const user = currentUser(res);
    const siteId = req.params.site;
    siteRules(context, siteId);
    requireAccess(user, { roles: AUDIT_ROLES, site: siteId });
    const page = pageOf(req);
    res.json({ ...(await listAuditRuns(context.db, siteId, page)), ...page });
  });

  router.get('/audit-runs/:id', async (req, res) => {
    res.json(await visibleRun(context, currentUser(res), req.params.id));
  });

  router.get('/audit-runs/:id/failing-rows.csv', async (req, res) => {
    const run = await visibleRun(context, currentUser(res), req.params.id);
    const checkId = optionalString(req, 'check');
    const checkIds = (await findAuditRunPlan(context.db, run.id))?.checks.map((check) => check.id) ?? [];
    if (checkId === undefined || !checkIds.includes(checkId)) {
      throw badRequest(`query parameter check must name a check of this run: one of ${checkIds.join(', ') || '(none yet)'}`);
    }
    res.type('text/csv').attachment(`audit-${run.id}-${checkId}.csv`);
    await writeCsv(res, ['check_id', 'source_record_id', 'customer_id', 'source_system', 'source_id', 'reason'], csvLines(checkId, allFailingRows(context.db, run.id, checkId)));
  });

  return router;
}

/** A run of a site the caller audits: 404 for an unknown id, 403 naming the site otherwise. */
async function visibleRun(context: ApiContext, user: User, runId: string): Promise<AuditRunSummary> {
  const run = isUuid(runId) ? await getAuditRun(context.db, runId) : undefined;
  if (!run) throw notFound(`no audit run ${runId}`);
  requireAccess(user, { roles: AUDIT_ROLES, site: run.siteId });
  return run;
}

async function* csvLines(checkId: string, rows: AsyncIterable<FailingRow>): AsyncGenerator<string[]> {
  for await (const row of rows) yield [checkId, row.sourceRecordId, row.customerId ?? '', row.sourceSystem ?? '', row.sourceId ?? '', row.reason];
}
