import { isSpecProblem, parseAuditScheduleSpec, type AuditScheduleSpec } from '../core/audits/schedule-spec';
import type { Db } from '../runtime/db';

/** Our record of an audit schedule: its site, its timing as written, who made it. */
export interface AuditScheduleRecord {
  id: string;
  siteId: string;
  spec: AuditScheduleSpec;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

interface AuditScheduleRow {
  id: string;
  site_id: string;
  cron: string | null;
  interval: string | null;
  time_zone: string;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

function specColumns(spec: AuditScheduleSpec) {
  return 'cron' in spec
    ? { cron: spec.cron, interval: null, time_zone: spec.timeZone }
    : { cron: null, interval: spec.interval, time_zone: spec.timeZone };
}

function fromRow(row: AuditScheduleRow): AuditScheduleRecord {
  // stored only after the same check passed, so a problem here means the table was edited by hand
  const spec = parseAuditScheduleSpec({ cron: row.cron ?? undefined, interval: row.interval ?? undefined, timeZone: row.time_zone });
  if (isSpecProblem(spec)) throw new Error(`audit schedule ${row.id}: stored ${spec.field} is not valid: ${spec.message}`);
  return { id: row.id, siteId: row.site_id, spec, createdBy: row.created_by, createdAt: row.created_at, updatedAt: row.updated_at };
}

export async function insertAuditSchedule(db: Db, schedule: { id: string; siteId: string; spec: AuditScheduleSpec; createdBy: string }): Promise<AuditScheduleRecord> {
  const [row] = await db<AuditScheduleRow>('audit_schedules')
    .insert({ id: schedule.id, site_id: schedule.siteId, created_by: schedule.createdBy, ...specColumns(schedule.spec) })
    .returning('*');
  return fromRow(row);
}

export async function findAuditSchedule(db: Db, id: string): Promise<AuditScheduleRecord | undefined> {
  const row = await db<AuditScheduleRow>('audit_schedules').where({ id }).first();
  return row && fromRow(row);
}

export async function listAuditSchedules(db: Db, siteIds: string[]): Promise<AuditScheduleRecord[]> {
  const rows = await db<AuditScheduleRow>('audit_schedules').whereIn('site_id', siteIds).orderBy([{ column: 'site_id' }, { column: 'created_at' }]);
  return rows.map(fromRow);
}

export async function updateAuditScheduleSpec(db: Db, id: string, spec: AuditScheduleSpec): Promise<void> {
  await db('audit_schedules').where({ id }).update({ ...specColumns(spec), updated_at: db.fn.now() });
}

export async function deleteAuditSchedule(db: Db, id: string): Promise<void> {
  await db('audit_schedules').where({ id }).del();
}
