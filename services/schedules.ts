import { randomBytes } from 'node:crypto';
import {
  isGrpcServiceError,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  ServiceError,
  type Client,
  type ScheduleDescription,
  type ScheduleSpec as TemporalScheduleSpec,
} from '@temporalio/client';
import type { ScheduleSpec } from '../core/schedule-spec';
import type { Db } from '../runtime/db';
import { deleteSchedule as deleteScheduleRecord, findSchedule, insertSchedule, listSchedules as listScheduleRecords, updateSchedule, type ScheduleRecord } from '../store/schedules';
import { badRequest, conflict, notFound } from '../api/errors';

/** Temporal Schedules that start one process for one site, managed through the API (create, list,
 * describe, pause, resume, retime, trigger, delete) with our record of each in `schedules`. A kind
 * (audits, purges) says only which workflow runs, with what input, and which options of its own a
 * schedule carries. */
export interface ScheduleKind<Options extends object = object> {
  /** names the schedules (<kind>-schedule:<site>:<suffix>), their runs (<kind>:<site>:<suffix>-<time>) and their rows */
  kind: string;
  workflowType: string;
  /** the input of each run: ids and flags, never personal data */
  input(siteId: string, options: Options): unknown;
  /** the kind's own fields of a request body, checked (400 naming the field); `current` fills in what a change leaves out */
  parseOptions(body: Record<string, unknown>, current?: Options): Options;
  /** the body fields parseOptions reads: sending only these is a change too */
  optionFields: readonly string[];
}

export interface ScheduleDeps {
  db: Db;
  client: Client;
  taskQueue: string;
}

/** A schedule as the API shows it: our record joined with Temporal's state. */
export type ScheduleView<Options extends object = object> = {
  id: string;
  siteId: string;
  cron: string | null;
  interval: string | null;
  timeZone: string;
  /** missing: our record outlived its Temporal schedule (deleted elsewhere); DELETE clears it */
  status: 'active' | 'paused' | 'missing';
  note: string | null;
  createdBy: string;
  createdAt: Date;
  nextRunTimes: Date[];
  recentRuns: Array<{ workflowId: string; scheduledAt: Date; startedAt: Date }>;
} & Options;

/** The base id of a schedule's runs, <kind>:<site>:<the schedule's own suffix>, to which Temporal
 * appends -<scheduled time>: runs of two schedules of a site due at the same time keep apart. */
export const workflowIdBase = (kind: Pick<ScheduleKind, 'kind'>, scheduleId: string, siteId: string) =>
  `${kind.kind}:${siteId}:${scheduleId.slice(scheduleId.lastIndexOf(':') + 1)}`;
const NEXT_RUNS_SHOWN = 3;
/** After an outage of Temporal, a missed run still happens if the outage was shorter than this. */
const CATCHUP_WINDOW = '1 day';
/** past the next whole second, allowing for the clocks of this process and Temporal's server */
const TRIGGER_SECOND_MARGIN_MS = 50;
/** gRPC status 3 (@grpc/grpc-js is not a dependency of ours) */
const GRPC_INVALID_ARGUMENT = 3;

/** Creates the schedule. Our record is written first: a crash between the two leaves a record
 * shown as missing (and deletable), never a schedule nobody can see. */
export async function createSchedule<Options extends object>(
  deps: ScheduleDeps,
  kind: ScheduleKind<Options>,
  request: { siteId: string; spec: ScheduleSpec; options: Options; note?: string; createdBy: string },
): Promise<ScheduleView<Options>> {
  const id = `${kind.kind}-schedule:${request.siteId}:${randomBytes(4).toString('hex')}`;
  const record = await insertSchedule(deps.db, { id, kind: kind.kind, siteId: request.siteId, spec: request.spec, options: request.options, createdBy: request.createdBy });
  try {
    await deps.client.schedule.create({
      scheduleId: id,
      spec: temporalSpec(request.spec),
      action: {
        type: 'startWorkflow',
        workflowType: kind.workflowType,
        args: [kind.input(request.siteId, request.options)],
        taskQueue: deps.taskQueue,
        workflowId: workflowIdBase(kind, id, request.siteId),
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW },
      state: { note: request.note },
      // for people reading schedules in the Temporal UI
      memo: { siteId: request.siteId },
    });
  } catch (error) {
    await deleteScheduleRecord(deps.db, id);
    throw refusedSpec(error);
  }
  return describeSchedule(deps, record);
}

/** Our record of the schedule, or 404. The caller authorises by its site before acting. */
export async function scheduleRecord<Options extends object>(deps: ScheduleDeps, kind: ScheduleKind<Options>, id: string): Promise<ScheduleRecord<Options>> {
  const record = await findSchedule<Options>(deps.db, kind.kind, id);
  if (!record) throw notFound(`no ${kind.kind} schedule ${id}`);
  return record;
}

export async function listSchedules<Options extends object>(deps: ScheduleDeps, kind: ScheduleKind<Options>, siteIds: string[]): Promise<Array<ScheduleView<Options>>> {
  const records = await listScheduleRecords<Options>(deps.db, kind.kind, siteIds);
  return Promise.all(records.map((record) => describeSchedule(deps, record)));
}

/** Pauses or resumes, and changes the timing or the kind's options when new ones are given. */
export async function changeSchedule<Options extends object>(
  deps: ScheduleDeps,
  kind: ScheduleKind<Options>,
  record: ScheduleRecord<Options>,
  change: { paused?: boolean; note?: string; spec?: ScheduleSpec; options?: Options },
): Promise<ScheduleView<Options>> {
  const handle = deps.client.schedule.getHandle(record.id);
  const changed = { ...record, spec: change.spec ?? record.spec, options: change.options ?? record.options };
  try {
    if (change.spec || change.options) {
      const spec = temporalSpec(changed.spec);
      const args = [kind.input(record.siteId, changed.options)];
      await handle.update((previous) => ({ ...previous, spec, action: { ...previous.action, args } }));
      await updateSchedule(deps.db, record.id, changed);
    }
    if (change.paused === true) await handle.pause(change.note ?? 'paused through the API');
    if (change.paused === false) await handle.unpause(change.note ?? 'resumed through the API');
  } catch (error) {
    throw missingOrRefused(error, record);
  }
  return describeSchedule(deps, changed);
}

/** Runs the process now. A run of this schedule still going would make Temporal skip this one, as
 * it skips scheduled runs that overlap (two audits or purges of a site at once only compete for
 * the same rows): say so with 409 rather than accept a run that never happens. */
export async function triggerSchedule(deps: ScheduleDeps, record: ScheduleRecord): Promise<void> {
  const handle = deps.client.schedule.getHandle(record.id);
  try {
    const description = await handle.describe();
    const running = await stillRunning(deps.client, description);
    if (running) throw conflict(`a run of ${record.kind} schedule ${record.id} is still going (${running}); trigger again when it has finished`, { workflowId: running });
    await clearOfLastRunSecond(description);
    await handle.trigger(ScheduleOverlapPolicy.SKIP);
  } catch (error) {
    throw missingOrRefused(error, record);
  }
}

/** Temporal names a run by the schedule's workflow id and its time to the second, and audits and
 * purges key their runs by workflow id: a run triggered in the same second as the last one would
 * be taken for it. Waiting for the next second (at most one) keeps them apart. */
async function clearOfLastRunSecond(description: ScheduleDescription): Promise<void> {
  const last = description.info.recentActions.at(-1)?.scheduledAt.getTime();
  const now = Date.now();
  if (last !== undefined && Math.floor(last / 1000) >= Math.floor(now / 1000)) {
    await new Promise((resolve) => setTimeout(resolve, 1000 - (now % 1000) + TRIGGER_SECOND_MARGIN_MS));
  }
}

/** The schedule's list of running workflows is refreshed lazily by Temporal, so each is checked. */
async function stillRunning(client: Client, description: ScheduleDescription): Promise<string | undefined> {
  for (const action of description.info.runningActions) {
    const { workflowId } = action.workflow;
    const execution = await client.workflow.getHandle(workflowId).describe().catch(() => undefined);
    if (execution?.status.name === 'RUNNING') return workflowId;
  }
  return undefined;
}

/** Deletes the Temporal schedule (runs already started go on) and our record. */
export async function deleteSchedule(deps: ScheduleDeps, record: ScheduleRecord): Promise<void> {
  try {
    await deps.client.schedule.getHandle(record.id).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
  await deleteScheduleRecord(deps.db, record.id);
}

function temporalSpec(spec: ScheduleSpec): TemporalScheduleSpec {
  return 'cron' in spec
    ? { cronExpressions: [spec.cron], timezone: spec.timeZone }
    : { intervals: [{ every: spec.intervalMs }], timezone: spec.timeZone };
}

export async function describeSchedule<Options extends object>(deps: ScheduleDeps, record: ScheduleRecord<Options>): Promise<ScheduleView<Options>> {
  let description: ScheduleDescription | undefined;
  try {
    description = await deps.client.schedule.getHandle(record.id).describe();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
  return {
    id: record.id,
    siteId: record.siteId,
    cron: 'cron' in record.spec ? record.spec.cron : null,
    interval: 'interval' in record.spec ? record.spec.interval : null,
    timeZone: record.spec.timeZone,
    ...record.options,
    status: !description ? 'missing' : description.state.paused ? 'paused' : 'active',
    note: description?.state.note || null,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    nextRunTimes: description?.info.nextActionTimes.slice(0, NEXT_RUNS_SHOWN) ?? [],
    recentRuns: (description?.info.recentActions ?? []).map((run) => ({
      workflowId: run.action.workflow.workflowId,
      scheduledAt: run.scheduledAt,
      startedAt: run.takenAt,
    })),
  };
}

function missingOrRefused(error: unknown, record: ScheduleRecord): unknown {
  if (error instanceof ScheduleNotFoundError) return notFound(`${record.kind} schedule ${record.id} no longer exists in Temporal; DELETE it to clear the record`);
  return refusedSpec(error);
}

/** Temporal checks specs too (our own check is stricter, so this is a backstop): its refusal is
 * the caller's 400, not a 500. */
function refusedSpec(error: unknown): unknown {
  if (error instanceof ServiceError && isGrpcServiceError(error.cause) && error.cause.code === GRPC_INVALID_ARGUMENT) {
    return badRequest(`Temporal refused the schedule: ${error.cause.details}`);
  }
  return error;
}
