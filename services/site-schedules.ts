import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';
import { AppError, badRequest, conflict, notFound } from '../api/errors';

/** Temporal Schedules that start one process per site (purges now; audits can use the same),
 * managed through the API: create, list, describe, pause, unpause, trigger, delete. The schedule
 * id is `<kind>-schedule:<site>:<name>`; each run is `<kind>:<site>:scheduled-<time>`. */

export interface SiteScheduleKind {
  /** "purge": names the schedule and the workflows it starts */
  kind: string;
  workflowType: string;
}

export interface SiteScheduleRequest {
  name: string;
  /** a cron expression, read in the site's time zone */
  cron: string;
  paused: boolean;
  note?: string;
}

export interface SiteScheduleView {
  name: string;
  scheduleId: string;
  cron: string;
  timeZone: string | undefined;
  paused: boolean;
  note: string | undefined;
  /** what each run is started with (ids and flags only) */
  input: unknown;
  nextRuns: Date[];
  recentRuns: Array<{ scheduledAt: Date; workflowId: string }>;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function parseSiteScheduleRequest(body: unknown): SiteScheduleRequest {
  const fields = (body ?? {}) as Record<string, unknown>;
  if (typeof fields.name !== 'string' || !NAME.test(fields.name)) throw badRequest('name must be 1 to 64 lower-case letters, digits and dashes, e.g. "weekly"');
  if (typeof fields.cron !== 'string' || fields.cron.trim().split(/\s+/).length < 5) {
    throw badRequest('cron must be a cron expression such as "0 3 * * 0" (Sundays at 03:00, site time)');
  }
  if (fields.paused !== undefined && typeof fields.paused !== 'boolean') throw badRequest('paused must be true or false');
  if (fields.note !== undefined && (typeof fields.note !== 'string' || fields.note.length > 500)) throw badRequest('note must be a text of at most 500 characters');
  return { name: fields.name, cron: fields.cron.trim(), paused: fields.paused === true, note: fields.note as string | undefined };
}

const scheduleId = (kind: SiteScheduleKind, siteId: string, name: string) => `${kind.kind}-schedule:${siteId}:${name}`;

export async function createSiteSchedule(
  deps: { client: Client; taskQueue: string },
  kind: SiteScheduleKind,
  site: { id: string; timeZone: string },
  request: SiteScheduleRequest,
  input: unknown,
): Promise<SiteScheduleView> {
  const id = scheduleId(kind, site.id, request.name);
  try {
    await deps.client.schedule.create({
      scheduleId: id,
      spec: { cronExpressions: [request.cron], timezone: site.timeZone },
      action: { type: 'startWorkflow', workflowType: kind.workflowType, taskQueue: deps.taskQueue, workflowId: `${kind.kind}:${site.id}:scheduled`, args: [input] },
      state: { paused: request.paused, note: request.note },
      // Temporal keeps the cron compiled into calendars: the text as given is kept beside it
      memo: { cron: request.cron },
    });
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) throw conflict(`a ${kind.kind} schedule "${request.name}" exists already at site ${site.id}`);
    if (isInvalidArgument(error)) throw badRequest(`the schedule was refused: ${(error as Error).message}`);
    throw error;
  }
  return describeSiteSchedule(deps.client, kind, site.id, request.name);
}

export async function describeSiteSchedule(client: Client, kind: SiteScheduleKind, siteId: string, name: string): Promise<SiteScheduleView> {
  return viewOf(name, await handled(kind, siteId, name, () => client.schedule.getHandle(scheduleId(kind, siteId, name)).describe()));
}

/** The site's schedules of this kind. Temporal lists schedules with a short delay after a change. */
export async function listSiteSchedules(client: Client, kind: SiteScheduleKind, siteId: string): Promise<SiteScheduleView[]> {
  const prefix = scheduleId(kind, siteId, '');
  const views: SiteScheduleView[] = [];
  for await (const summary of client.schedule.list()) {
    if (!summary.scheduleId.startsWith(prefix)) continue;
    const name = summary.scheduleId.slice(prefix.length);
    try {
      views.push(await describeSiteSchedule(client, kind, siteId, name));
    } catch (error) {
      // deleted since the list was read
      if (!(error instanceof AppError && error.status === 404)) throw error;
    }
  }
  return views.sort((a, b) => a.name.localeCompare(b.name));
}

export type SiteScheduleCommand = 'pause' | 'unpause' | 'trigger' | 'delete';

export async function commandSiteSchedule(
  client: Client,
  kind: SiteScheduleKind,
  siteId: string,
  name: string,
  command: SiteScheduleCommand,
  note?: string,
): Promise<void> {
  const handle = client.schedule.getHandle(scheduleId(kind, siteId, name));
  await handled(kind, siteId, name, async () => {
    if (command === 'pause') await handle.pause(note);
    else if (command === 'unpause') await handle.unpause(note);
    else if (command === 'trigger') await handle.trigger();
    else await handle.delete();
  });
}

async function handled<T>(kind: SiteScheduleKind, siteId: string, name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) throw notFound(`no ${kind.kind} schedule "${name}" at site ${siteId}`);
    throw error;
  }
}

function viewOf(name: string, description: ScheduleDescription): SiteScheduleView {
  return {
    name,
    scheduleId: description.scheduleId,
    cron: String(description.memo?.cron ?? ''),
    timeZone: description.spec.timezone,
    paused: description.state.paused,
    note: description.state.note,
    input: description.action.args?.[0],
    nextRuns: description.info.nextActionTimes,
    recentRuns: description.info.recentActions.map((action) => ({ scheduledAt: action.scheduledAt, workflowId: action.action.workflow.workflowId })),
  };
}

function isInvalidArgument(error: unknown): boolean {
  // gRPC status 3: INVALID_ARGUMENT (a cron expression Temporal cannot read)
  return typeof error === 'object' && error !== null && ((error as { code?: number }).code === 3 || /invalid/i.test(String((error as Error).message)));
}
