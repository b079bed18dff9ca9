import { Router } from 'express';
import { isJsonObject } from '../../core/json';
import { isSpecProblem, parseScheduleSpec, type ScheduleSpec } from '../../core/schedule-spec';
import {
  changeSchedule,
  createSchedule,
  deleteSchedule,
  describeSchedule,
  listSchedules,
  scheduleRecord,
  triggerSchedule,
  type ScheduleDeps,
  type ScheduleKind,
} from '../../services/schedules';
import type { ScheduleRecord } from '../../store/schedules';
import { canActOnSite, sitesOf, type User } from '../../store/users';
import { currentUser, requireAccess } from '../auth';
import { siteRules, type ApiContext } from '../context';
import { badRequest, forbidden } from '../errors';
import { optionalString } from '../params';

/** Only compliance officers and admins schedule audits and purges; stewards get the fix tasks. */
const SCHEDULE_ROLES = ['compliance', 'admin'] as const;
const MAX_NOTE_LENGTH = 500;

/** The same API for every kind of schedule, under /<kind>-schedules: POST, GET (?site=),
 * GET/PATCH/DELETE /:id, POST /:id/trigger. */
export function scheduleRoutes<Options extends object>(context: ApiContext, kind: ScheduleKind<Options>): Router {
  const router = Router();
  const deps: ScheduleDeps = { db: context.db, client: context.temporal, taskQueue: context.taskQueue };
  const path = `/${kind.kind}-schedules`;

  /** The schedule, if the caller may act on its site (403 naming the site otherwise). */
  const visibleSchedule = async (user: User, id: string): Promise<ScheduleRecord<Options>> => {
    requireAccess(user, { roles: SCHEDULE_ROLES });
    const record = await scheduleRecord(deps, kind, id);
    if (!canActOnSite(user, record.siteId)) throw forbidden(`${kind.kind} schedule ${id} belongs to site "${record.siteId}", which you may not act on`);
    return record;
  };

  router.post(path, async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: SCHEDULE_ROLES });
    const body = bodyOf(req.body);
    if (typeof body.siteId !== 'string' || body.siteId === '') throw badRequest(`siteId is required: the site whose ${kind.kind}s to schedule`, { field: 'siteId' });
    siteRules(context, body.siteId);
    requireAccess(user, { roles: SCHEDULE_ROLES, site: body.siteId });
    const spec = specOf(body);
    const schedule = await createSchedule(deps, kind, { siteId: body.siteId, spec, options: kind.parseOptions(body), note: noteOf(body), createdBy: user.id });
    res.status(201).json(schedule);
  });

  router.get(path, async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: SCHEDULE_ROLES });
    const site = optionalString(req, 'site');
    if (site !== undefined) {
      siteRules(context, site);
      requireAccess(user, { roles: SCHEDULE_ROLES, site });
    }
    const schedules = await listSchedules(deps, kind, site ? [site] : sitesOf(user, context.rules.siteIds()));
    res.json({ schedules });
  });

  router.get(`${path}/:id`, async (req, res) => {
    const record = await visibleSchedule(currentUser(res), req.params.id);
    res.json(await describeSchedule(deps, record));
  });

  router.patch(`${path}/:id`, async (req, res) => {
    const record = await visibleSchedule(currentUser(res), req.params.id);
    const body = bodyOf(req.body);
    if (body.paused !== undefined && typeof body.paused !== 'boolean') throw badRequest('paused must be true or false', { field: 'paused' });
    const changesTiming = body.cron !== undefined || body.interval !== undefined || body.timeZone !== undefined;
    const changesOptions = kind.optionFields.some((field) => body[field] !== undefined);
    if (body.paused === undefined && !changesTiming && !changesOptions) {
      throw badRequest(`send paused (true or false), or a new ${['cron', 'interval', 'timeZone', ...kind.optionFields].join(', ')}`);
    }
    const schedule = await changeSchedule(deps, kind, record, {
      paused: body.paused,
      note: noteOf(body),
      spec: changesTiming ? specOf(body, record.spec) : undefined,
      options: changesOptions ? kind.parseOptions(body, record.options) : undefined,
    });
    res.json(schedule);
  });

  router.delete(`${path}/:id`, async (req, res) => {
    const record = await visibleSchedule(currentUser(res), req.params.id);
    await deleteSchedule(deps, record);
    res.status(204).end();
  });

  router.post(`${path}/:id/trigger`, async (req, res) => {
    const record = await visibleSchedule(currentUser(res), req.params.id);
    await triggerSchedule(deps, record);
    res.status(202).json({ scheduleId: record.id, triggered: true });
  });

  return router;
}

function bodyOf(body: unknown): Record<string, unknown> {
  if (!isJsonObject(body)) throw badRequest('the body must be a JSON object');
  return body;
}

function specOf(body: Record<string, unknown>, current?: ScheduleSpec): ScheduleSpec {
  const spec = parseScheduleSpec(body, current);
  if (isSpecProblem(spec)) throw badRequest(spec.message, { field: spec.field });
  return spec;
}

function noteOf(body: Record<string, unknown>): string | undefined {
  if (body.note === undefined || body.note === null) return undefined;
  if (typeof body.note !== 'string' || body.note.length > MAX_NOTE_LENGTH) {
    throw badRequest(`note must be a string of at most ${MAX_NOTE_LENGTH} characters`, { field: 'note' });
  }
  return body.note;
}
