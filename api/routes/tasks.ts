import { Router } from 'express';
import { isUuid } from '../../core/ids';
import { REVIEW_DECISIONS, type ReviewDecision } from '../../core/review';
import { decideReview, deciderOf } from '../../services/reviews';
import { addTaskComment, assignTask, findTask, listTasks, taskHistory, type Task, type TaskStatus, type TaskType } from '../../store/tasks';
import { canActOnSite, sitesOf, type User } from '../../store/users';
import { currentUser, requireAccess } from '../auth';
import type { ApiContext } from '../context';
import { badRequest, forbidden, notFound } from '../errors';
import { oneOf, optionalString, pageOf } from '../params';

const READ_ROLES = ['steward', 'compliance', 'admin'] as const;
const DECIDE_ROLES = ['steward', 'admin'] as const;
const STATUSES: readonly TaskStatus[] = ['open', 'decided', 'expired', 'cancelled', 'resolved'];
const TYPES: readonly TaskType[] = ['duplicate_review', 'data_fix', 'erasure_approval'];
const MAX_COMMENT_LENGTH = 2000;

export function taskRoutes(context: ApiContext): Router {
  const router = Router();

  /** The task, if the caller may act on its site (403 naming the site otherwise). */
  const visibleTask = async (user: User, id: string): Promise<Task> => {
    const task = isUuid(id) ? await findTask(context.db, id) : undefined;
    if (!task) throw notFound(`no task ${id}`);
    if (!canActOnSite(user, task.siteId)) throw forbidden(`task ${id} belongs to site "${task.siteId}", which you may not act on`);
    return task;
  };

  router.get('/tasks', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: READ_ROLES });
    const site = optionalString(req, 'site');
    if (site !== undefined && !canActOnSite(user, site)) throw forbidden(`you may not act on site "${site}"`);
    const page = pageOf(req);
    const { tasks, total } = await listTasks(context.db, {
      siteIds: site ? [site] : sitesOf(user, context.rules.siteIds()),
      status: oneOf(req, 'status', STATUSES),
      type: oneOf(req, 'type', TYPES),
      assignee: oneOf(req, 'mine', ['true', 'false']) === 'true' ? user.email : undefined,
      overdue: oneOf(req, 'overdue', ['true', 'false']) === 'true',
      ...page,
    });
    res.json({ tasks, total, ...page });
  });

  router.get('/tasks/:id', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: READ_ROLES });
    const task = await visibleTask(user, req.params.id);
    res.json({ ...task, ...(await taskHistory(context.db, task.id)) });
  });

  router.post('/tasks/:id/decision', async (req, res) => {
    const user = currentUser(res);
    const task = await visibleTask(user, req.params.id);
    requireAccess(user, { roles: DECIDE_ROLES, site: task.siteId });
    const decision = req.body?.decision as ReviewDecision;
    if (!REVIEW_DECISIONS.includes(decision)) throw badRequest(`decision must be one of ${REVIEW_DECISIONS.join(', ')}`);
    const result = await decideReview(
      { db: context.db, client: context.temporal, taskQueue: context.taskQueue },
      task.id,
      { decision, decidedBy: deciderOf(user), via: 'api', comment: commentOf(req.body, decision === 'defer') },
    );
    res.json(result);
  });

  router.post('/tasks/:id/comments', async (req, res) => {
    const user = currentUser(res);
    const task = await visibleTask(user, req.params.id);
    requireAccess(user, { roles: READ_ROLES, site: task.siteId });
    await addTaskComment(context.db, task.id, user.email, commentOf(req.body, true)!);
    res.status(201).json(await taskHistory(context.db, task.id));
  });

  router.put('/tasks/:id/assignee', async (req, res) => {
    const user = currentUser(res);
    const task = await visibleTask(user, req.params.id);
    requireAccess(user, { roles: DECIDE_ROLES, site: task.siteId });
    const assignee = req.body?.assignee;
    if (assignee !== null && (typeof assignee !== 'string' || !assignee.includes('@'))) {
      throw badRequest('assignee must be an email address, or null to unassign');
    }
    await assignTask(context.db, task.id, assignee === null ? null : assignee.toLowerCase());
    res.json(await findTask(context.db, task.id));
  });

  return router;
}

function commentOf(body: unknown, required: boolean): string | undefined {
  const comment = (body as { comment?: unknown } | undefined)?.comment;
  if (comment === undefined || comment === null || comment === '') {
    if (required) throw badRequest('comment is required here');
    return undefined;
  }
  if (typeof comment !== 'string' || comment.length > MAX_COMMENT_LENGTH) {
    throw badRequest(`comment must be a string of at most ${MAX_COMMENT_LENGTH} characters`);
  }
  return comment;
}
