import { Router } from 'express';
import { isSpecProblem, parseAuditScheduleSpec, type AuditScheduleSpec } from '../../core/audits/schedule-spec';
import { isJsonObject } from '../../core/json';
import {
  auditScheduleRecord,
  changeAuditSchedule,
  createAuditSchedule,
  deleteAuditSchedule,
  describeAuditSchedule,
  listAuditSchedules,
  triggerAuditSchedule,
  type AuditScheduleDeps,
} from '../../services/audit-schedules';
import type { AuditScheduleRecord } from '../../store/audit-schedules';
import { canActOnSite, sitesOf, type User } from '../../store/users';
import { currentUser, requireAccess } from '../auth';
import { siteRules, type ApiContext } from '../context';
import { badRequest, forbidden } from '../errors';
import { optionalString } from '../params';

/** Only compliance officers and admins schedule audits; stewards get the fix tasks instead. */
const SCHEDULE_ROLES = ['compliance', 'admin'] as const;
const MAX_NOTE_LENGTH = 500;

export function auditScheduleRoutes(context: ApiContext): Router {
  const router = Router();
  const deps: AuditScheduleDeps = { db: context.db, client: context.temporal, taskQueue: context.taskQueue };

  /** The schedule, if the caller may act on its site (403 naming the site otherwise). */
  const visibleSchedule = async (user: User, id: string): Promise<AuditScheduleRecord> => {
    requireAccess(user, { roles: SCHEDULE_ROLES });
    const record = await auditScheduleRecord(deps, id);
    if (!canActOnSite(user, record.siteId)) throw forbidden(`audit schedule ${id} belongs to site "${record.siteId}", which you may not act on`);
    return record;
  };

  router.post('/audit-schedules', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: SCHEDULE_ROLES });
    const body = bodyOf(req.body);
    if (typeof body.siteId !== 'string' || body.siteId === '') throw badRequest('siteId is required: the site to audit', { field: 'siteId' });
    siteRules(context, body.siteId);
    requireAccess(user, { roles: SCHEDULE_ROLES, site: body.siteId });
    const schedule = await createAuditSchedule(deps, { siteId: body.siteId, spec: specOf(body), note: noteOf(body), createdBy: user.id });
    res.status(201).json(schedule);
  });

  router.get('/audit-schedules', async (req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: SCHEDULE_ROLES });
    const site = optionalString(req, 'site');
    if (site !== undefined) {
      siteRules(context, site);
      requireAccess(user, { roles: SCHEDULE_ROLES, site });
    }
    const schedules = await listAuditSchedules(deps, site ? [site] : sitesOf(user, context.rules.siteIds()));
    res.json({ schedules });
  });

  router.get('/audit-schedules/:id', async (req, res) => {
    const record = await visibleSchedule(currentUser(res), req.params.id);
    res.json(await describeAuditSchedule(deps, record));
  });

  router.patch('/audit-schedules/:id', async (req, res) => {
    const record = await visibleSchedule(currentUser(res), req.params.id);
    const body = bodyOf(req.body);
    if (body.paused !== undefined && typeof body.paused !== 'boolean') throw badRequest('paused must be true or false', { field: 'paused' });
    const changesTiming = body.cron !== undefined || body.interval !== undefined || body.timeZone !== undefined;
    if (body.paused === undefined && !changesTiming) throw badRequest('send paused (true or false), or a new cron, interval or timeZone');
    const schedule = await changeAuditSchedule(deps, record, {
      paused: body.paused,
      note: noteOf(body),
      spec: changesTiming ? specOf(body, record.spec) : undefined,
    });
    res.json(schedule);
  });

  router.delete('/audit-schedules/:id', async (req, res) => {
    const record = await visibleSchedule(currentUser(res), req.params.id);
    await deleteAuditSchedule(deps, record);
    res.status(204).end();
  });

  router.post('/audit-schedules/:id/trigger', async (req, res) => {
    const record = await visibleSchedule(currentUser(res), req.params.id);
    await triggerAuditSchedule(deps, record);
    res.status(202).json({ scheduleId: record.id, triggered: true });
  });

  return router;
}

function bodyOf(body: unknown): Record<string, unknown> {
  if (!isJsonObject(body)) throw badRequest('the body must be a JSON object');
  return body;
}

function specOf(body: Record<string, unknown>, current?: AuditScheduleSpec): AuditScheduleSpec {
  const spec = parseAuditScheduleSpec(body, current);
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
