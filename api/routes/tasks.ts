import { Router } from 'express';
import { isUuid } from '../../core/ids';
import { findTask, listTasks, type TaskStatus, type TaskType } from '../../store/tasks';
import { canActOnSite, sitesOf } from '../../store/users';
import { currentUser, requireAccess } from '../auth';
import type { ApiContext } from '../context';
import { forbidden, notFound } from '../errors';
import { oneOf, optionalString, pageOf } from '../params';

const TASK_ROLES = ['steward', 'compliance', 'admin'] as const;
const STATUSES: readonly TaskStatus[] = ['open', 'decided', 'expired', 'cancelled'];
const TYPES: readonly TaskType[] = ['duplicate_review', 'data_fix', 'erasure_approval'];

export function taskRoutes(context: ApiContext): Router {
  const router = Router();

  router.get('/tasks', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: TASK_ROLES });
    const site = optionalString(req, 'site');
    if (site !== undefined && !canActOnSite(user, site)) throw forbidden(`you may not act on site "${site}"`);
    const page = pageOf(req);
    const { tasks, total } = await listTasks(context.db, {
      siteIds: site ? [site] : sitesOf(user, context.rules.siteIds()),
      status: oneOf(req, 'status', STATUSES),
      type: oneOf(req, 'type', TYPES),
      ...page,
    });
    res.json({ tasks, total, ...page });
  });

  router.get('/tasks/:id', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: TASK_ROLES });
    const task = isUuid(req.params.id) ? await findTask(context.db, req.params.id) : undefined;
    if (!task || !canActOnSite(user, task.siteId)) throw notFound(`no task ${req.params.id} at your sites`);
    res.json(task);
  });

  return router;
}
