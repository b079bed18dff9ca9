import type { Router } from 'express';
import { PURGE_SCHEDULES } from '../../services/purge-schedules';
import type { ApiContext } from '../context';
import { scheduleRoutes } from './schedules';

/** /api/purge-schedules: compliance officers and admins schedule the purges (or dry runs) of
 * their sites, like their audits. */
export const purgeScheduleRoutes = (context: ApiContext): Router => scheduleRoutes(context, PURGE_SCHEDULES);
