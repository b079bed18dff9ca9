import { Router } from 'express';
import {
  DECIDE_ROLES,
  FILE_ROLES,
  decideErasure,
  fileErasureRequest,
  parseErasureDecision,
  parseErasureFiling,
  visibleErasureRequest,
} from '../../services/erasure-requests';
import { currentUser, requireAccess } from '../auth';
import type { ApiContext } from '../context';

export function erasureRequestRoutes(context: ApiContext): Router {
  const router = Router();
  const deps = { db: context.db, rules: context.rules, client: context.temporal, taskQueue: context.taskQueue };

  router.post('/erasure-requests', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: FILE_ROLES });
    res.status(201).json(await fileErasureRequest(deps, user, parseErasureFiling(req.body)));
  });

  router.get('/erasure-requests/:id', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: FILE_ROLES });
    res.json(await visibleErasureRequest(context.db, user, req.params.id));
  });

  router.post('/erasure-requests/:id/decision', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: DECIDE_ROLES });
    const decision = parseErasureDecision(req.body);
    res.json(await decideErasure(deps, user, req.params.id, decision));
  });

  return router;
}
