import { Router } from 'express';
import { PURGE_ROLES, parsePurgeRequest, purgeView, startPurge } from '../../services/purges';
import { currentUser, requireAccess } from '../auth';
import { siteRules, type ApiContext } from '../context';

export function purgeRoutes(context: ApiContext): Router {
  const router = Router();

  router.post('/sites/:site/purges', async (req, res) => {
    const user = currentUser(res);
    const rules = siteRules(context, req.params.site);
    requireAccess(user, { roles: PURGE_ROLES, site: req.params.site });
    const run = await startPurge(
      { db: context.db, client: context.temporal, taskQueue: context.taskQueue },
      req.params.site,
      rules,
      parsePurgeRequest(req.body),
      user.id,
    );
    res.status(202).json(run);
  });

  router.get('/purges/:id', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: PURGE_ROLES });
    res.json(await purgeView(context.db, user, req.params.id));
  });

  return router;
}
