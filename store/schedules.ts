import { isSpecProblem, parseScheduleSpec, type ScheduleSpec } from '../core/schedule-spec';
import type { Db } from '../runtime/db';

/** Our record of a Temporal Schedule of some kind (audit, purge): its site, its timing as
 * written, the options of its kind, who made it. */
export interface ScheduleRecord<Options extends object = object> {
  id: string;
  kind: string;
  siteId: string;
  spec: ScheduleSpec;
  options: Options;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

interface ScheduleRow {
  id: string;
  kind: string;
  site_id: string;
  cron: string | null;
  interval: string | null;
  time_zone: string;
  options: object;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

function specColumns(spec: ScheduleSpec) {
  return 'cron' in spec
    ? { cron: spec.cron, interval: null, time_zone: spec.timeZone }
    : { cron: null, interval: spec.interval, time_zone: spec.timeZone };
}

function fromRow<Options extends object>(row: ScheduleRow): ScheduleRecord<Options> {
  // stored only after the same check passed, so a problem here means the table was edited by hand
  const spec = parseScheduleSpec({ cron: row.cron ?? undefined, interval: row.interval ?? undefined, timeZone: row.time_zone });
  if (isSpecProblem(spec)) throw new Error(`${row.kind} schedule ${row.id}: stored ${spec.field} is not valid: ${spec.message}`);
  return {
    id: row.id,
    kind: row.kind,
    siteId: row.site_id,
    spec,
    options: row.options as Options,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertSchedule<Options extends object>(
  db: Db,
  schedule: { id: string; kind: string; siteId: string; spec: ScheduleSpec; options: Options; createdBy: string },
): Promise<ScheduleRecord<Options>> {
  const [row] = await db<ScheduleRow>('schedules')
    .insert({
      id: schedule.id,
      kind: schedule.kind,
      site_id: schedule.siteId,
      options: JSON.stringify(schedule.options),
      created_by: schedule.createdBy,
      ...specColumns(schedule.spec),
    } as never)
    .returning('*');
  return fromRow(row);
}

/** The schedule of that kind: an id of another kind is not found, so each API sees its own. */
export async function findSchedule<Options extends object>(db: Db, kind: string, id: string): Promise<ScheduleRecord<Options> | undefined> {
  const row = await db<ScheduleRow>('schedules').where({ kind, id }).first();
  return row && fromRow(row);
}

export async function listSchedules<Options extends object>(db: Db, kind: string, siteIds: string[]): Promise<Array<ScheduleRecord<Options>>> {
  const rows = await db<ScheduleRow>('schedules')
    .where({ kind })
    .whereIn('site_id', siteIds)
    .orderBy([{ column: 'site_id' }, { column: 'created_at' }]);
  return rows.map((row) => fromRow<Options>(row));
}

export async function updateSchedule(db: Db, id: string, change: { spec: ScheduleSpec; options: object }): Promise<void> {
  await db('schedules')
    .where({ id })
    .update({ ...specColumns(change.spec), options: JSON.stringify(change.options), updated_at: db.fn.now() });
}

export async function deleteSchedule(db: Db, id: string): Promise<void> {
  await db('schedules').where({ id }).del();
}
