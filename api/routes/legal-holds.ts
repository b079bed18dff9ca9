import { Router } from 'express';
import { HOLD_ROLES, liftHold, listHolds, parseHoldRequest, placeHold } from '../../services/legal-holds';
import { currentUser, requireAccess } from '../auth';
import type { ApiContext } from '../context';
import { badRequest } from '../errors';
import { oneOf, optionalString } from '../params';

export function legalHoldRoutes(context: ApiContext): Router {
  const router = Router();

  router.post('/legal-holds', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: HOLD_ROLES });
    res.status(201).json(await placeHold(context.db, user, parseHoldRequest(req.body)));
  });

  router.get('/legal-holds', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: HOLD_ROLES });
    const holds = await listHolds(context.db, user, context.rules.siteIds(), {
      customerId: optionalString(req, 'customerId'),
      activeOnly: oneOf(req, 'all', ['true', 'false']) !== 'true',
    });
    res.json({ holds });
  });

  router.delete('/legal-holds/:id', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: HOLD_ROLES });
    const reason = req.body?.reason;
    if (reason !== undefined && (typeof reason !== 'string' || reason.length > 2000)) throw badRequest('reason must be a text of at most 2000 characters');
    res.json(await liftHold(context.db, user, req.params.id, reason ?? null));
  });

  return router;
}
