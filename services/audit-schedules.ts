import { randomBytes } from 'node:crypto';
import {
  isGrpcServiceError,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  ServiceError,
  type Client,
  type ScheduleDescription,
  type ScheduleSpec,
} from '@temporalio/client';
import type { AuditInput } from '../core/audits/types';
import type { AuditScheduleSpec } from '../core/audits/schedule-spec';
import type { Db } from '../runtime/db';
import {
  deleteAuditSchedule as deleteAuditScheduleRecord,
  findAuditSchedule,
  insertAuditSchedule,
  listAuditSchedules as listAuditScheduleRecords,
  updateAuditScheduleSpec,
  type AuditScheduleRecord,
} from '../store/audit-schedules';
import { badRequest, conflict, notFound } from '../api/errors';

export interface AuditScheduleDeps {
  db: Db;
  client: Client;
  taskQueue: string;
}

/** An audit schedule as the API shows it: our record joined with Temporal's state. */
export interface AuditScheduleView {
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
}

/** The workflow the schedule starts, on the worker's task queue. */
export const AUDIT_WORKFLOW_TYPE = 'auditRun';
/** The base id of a schedule's runs, audit:<site>:<the schedule's own suffix>, to which Temporal
 * appends -<scheduled time>: runs of two schedules of a site due at the same time keep apart. */
export const auditWorkflowIdBase = (scheduleId: string, siteId: string) => `audit:${siteId}:${scheduleId.slice(scheduleId.lastIndexOf(':') + 1)}`;
const NEXT_RUNS_SHOWN = 3;
/** After an outage of Temporal, a missed audit still runs if the outage was shorter than this. */
const CATCHUP_WINDOW = '1 day';
/** past the next whole second, allowing for the clocks of this process and Temporal's server */
const TRIGGER_SECOND_MARGIN_MS = 50;
/** gRPC status 3 (@grpc/grpc-js is not a dependency of ours) */
const GRPC_INVALID_ARGUMENT = 3;

/** Creates the schedule. Our record is written first: a crash between the two leaves a record
 * shown as missing (and deletable), never a schedule nobody can see. */
export async function createAuditSchedule(
  deps: AuditScheduleDeps,
  request: { siteId: string; spec: AuditScheduleSpec; note?: string; createdBy: string },
): Promise<AuditScheduleView> {
  const id = `audit-schedule:${request.siteId}:${randomBytes(4).toString('hex')}`;
  const record = await insertAuditSchedule(deps.db, { id, siteId: request.siteId, spec: request.spec, createdBy: request.createdBy });
  try {
    const input: AuditInput = { siteId: request.siteId };
    await deps.client.schedule.create({
      scheduleId: id,
      spec: temporalSpec(request.spec),
      action: {
        type: 'startWorkflow',
        workflowType: AUDIT_WORKFLOW_TYPE,
        args: [input],
        taskQueue: deps.taskQueue,
        workflowId: auditWorkflowIdBase(id, request.siteId),
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW },
      state: { note: request.note },
      // for people reading schedules in the Temporal UI
      memo: { siteId: request.siteId },
    });
  } catch (error) {
    await deleteAuditScheduleRecord(deps.db, id);
    throw refusedSpec(error);
  }
  return describeAuditSchedule(deps, record);
}

/** Our record of the schedule, or 404. The caller authorises by its site before acting. */
export async function auditScheduleRecord(deps: AuditScheduleDeps, id: string): Promise<AuditScheduleRecord> {
  const record = await findAuditSchedule(deps.db, id);
  if (!record) throw notFound(`no audit schedule ${id}`);
  return record;
}

export async function listAuditSchedules(deps: AuditScheduleDeps, siteIds: string[]): Promise<AuditScheduleView[]> {
  const records = await listAuditScheduleRecords(deps.db, siteIds);
  return Promise.all(records.map((record) => describeAuditSchedule(deps, record)));
}

/** Pauses or resumes, and changes the timing when a new spec is given. */
export async function changeAuditSchedule(
  deps: AuditScheduleDeps,
  record: AuditScheduleRecord,
  change: { paused?: boolean; note?: string; spec?: AuditScheduleSpec },
): Promise<AuditScheduleView> {
  const handle = deps.client.schedule.getHandle(record.id);
  try {
    if (change.spec) {
      const spec = temporalSpec(change.spec);
      await handle.update((previous) => ({ ...previous, spec }));
      await updateAuditScheduleSpec(deps.db, record.id, change.spec);
    }
    if (change.paused === true) await handle.pause(change.note ?? 'paused through the API');
    if (change.paused === false) await handle.unpause(change.note ?? 'resumed through the API');
  } catch (error) {
    throw missingOrRefused(error, record.id);
  }
  return describeAuditSchedule(deps, { ...record, spec: change.spec ?? record.spec });
}

/** Runs the audit now. A run of this schedule still going would make Temporal skip this one, as
 * it skips scheduled runs that overlap (two audits of a site at once only compete for the same
 * rows): say so with 409 rather than accept a run that never happens. */
export async function triggerAuditSchedule(deps: AuditScheduleDeps, record: AuditScheduleRecord): Promise<void> {
  const handle = deps.client.schedule.getHandle(record.id);
  try {
    const description = await handle.describe();
    const running = await stillRunning(deps.client, description);
    if (running) throw conflict(`a run of audit schedule ${record.id} is still going (${running}); trigger again when it has finished`, { workflowId: running });
    await clearOfLastRunSecond(description);
    await handle.trigger(ScheduleOverlapPolicy.SKIP);
  } catch (error) {
    throw missingOrRefused(error, record.id);
  }
}

/** Temporal names a run by the schedule's workflow id and its time to the second, and the audit
 * engine keys its runs by workflow id: a run triggered in the same second as the last one would
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
export async function deleteAuditSchedule(deps: AuditScheduleDeps, record: AuditScheduleRecord): Promise<void> {
  try {
    await deps.client.schedule.getHandle(record.id).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
  await deleteAuditScheduleRecord(deps.db, record.id);
}

function temporalSpec(spec: AuditScheduleSpec): ScheduleSpec {
  return 'cron' in spec
    ? { cronExpressions: [spec.cron], timezone: spec.timeZone }
    : { intervals: [{ every: spec.intervalMs }], timezone: spec.timeZone };
}

export async function describeAuditSchedule(deps: AuditScheduleDeps, record: AuditScheduleRecord): Promise<AuditScheduleView> {
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

function missingOrRefused(error: unknown, id: string): unknown {
  if (error instanceof ScheduleNotFoundError) return notFound(`audit schedule ${id} no longer exists in Temporal; DELETE it to clear the record`);
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
