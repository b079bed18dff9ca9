import { Router } from 'express';
import { currentUser, requireAccess } from '../auth';
import { siteRules, type ApiContext } from '../context';
import { badRequest, notFound } from '../errors';
import { isUuid } from '../../core/ids';
import { unmergeSourceRecord } from '../../services/unmerge';
import { optionalString, pageOf } from '../params';
import { customerView, searchCustomers } from '../../services/customers';
import { onboardingStatus, parseSubmission, submitRecord } from '../../services/onboarding';
import { reviseRecord } from '../../services/record-revisions';
import { findSourceRecordByWorkflowId } from '../../store/source-records';
import { canActOnSite } from '../../store/users';

const ONBOARDING_ROLES = ['integration', 'steward', 'admin'] as const;
const READ_ROLES = ['steward', 'compliance', 'admin'] as const;
const UNMERGE_ROLES = ['steward', 'admin'] as const;

export function customerRoutes(context: ApiContext): Router {
  const router = Router();

  router.post('/sites/:site/customers', async (req, res) => {
    const user = currentUser(res);
    const siteId = req.params.site;
    const { rules } = siteRules(context, siteId);
    requireAccess(user, { roles: ONBOARDING_ROLES, site: siteId });
    const submission = parseSubmission(siteId, req.body, rules);
    const { created, status } = await submitRecord(
      { db: context.db, client: context.temporal, taskQueue: context.taskQueue },
      submission,
      user.id,
      context.onboardingWaitMs,
    );
    res.status(status.status === 'running' ? 202 : created ? 201 : 200).json(status);
  });

  router.put('/sites/:site/customers/:sourceSystem/:sourceId', async (req, res) => {
    const user = currentUser(res);
    const siteId = req.params.site;
    const versioned = siteRules(context, siteId);
    requireAccess(user, { roles: ONBOARDING_ROLES, site: siteId });
    const body = { sourceSystem: req.params.sourceSystem, sourceId: req.params.sourceId, record: req.body?.record };
    const submission = parseSubmission(siteId, body, versioned.rules);
    res.json(await reviseRecord(context.db, submission, versioned, user.id));
  });

  router.get('/onboardings/:workflowId', async (req, res) => {
    const user = currentUser(res);
    const sourceRecord = await findSourceRecordByWorkflowId(context.db, req.params.workflowId);
    if (!sourceRecord || !canActOnSite(user, sourceRecord.siteId)) {
      // the same answer for "absent" and "not yours": ids of other sites stay unconfirmed
      throw notFound(`no onboarding ${req.params.workflowId} at your sites`);
    }
    requireAccess(user, { roles: [...ONBOARDING_ROLES, ...READ_ROLES], site: sourceRecord.siteId });
    res.json(await onboardingStatus({ client: context.temporal }, sourceRecord));
  });

  router.get('/customers', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: READ_ROLES });
    res.json(
      await searchCustomers(context.db, user, context.rules.siteIds(), {
        q: optionalString(req, 'q'),
        site: optionalString(req, 'site'),
        ...pageOf(req),
      }),
    );
  });

  router.get('/customers/:id', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: READ_ROLES });
    res.json(await customerView(context.db, user, req.params.id));
  });

  router.post('/customers/:id/unmerge', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: UNMERGE_ROLES });
    const sourceRecordId = req.body?.sourceRecordId;
    if (typeof sourceRecordId !== 'string' || !isUuid(sourceRecordId)) throw badRequest('sourceRecordId must be the id of a source record of this customer');
    if (!isUuid(req.params.id)) throw notFound(`no customer ${req.params.id}`);
    const result = await unmergeSourceRecord(context, user, req.params.id, sourceRecordId, (site) =>
      requireAccess(user, { roles: UNMERGE_ROLES, site }),
    );
    res.json(result);
  });

  return router;
}
