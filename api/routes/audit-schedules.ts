import type { Router } from 'express';
import { AUDIT_SCHEDULES } from '../../services/audit-schedules';
import type { ApiContext } from '../context';
import { scheduleRoutes } from './schedules';

/** /api/audit-schedules: compliance officers and admins schedule the audits of their sites. */
export const auditScheduleRoutes = (context: ApiContext): Router => scheduleRoutes(context, AUDIT_SCHEDULES);
