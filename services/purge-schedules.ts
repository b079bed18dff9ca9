import type { PurgeInput } from '../workflows/purge';
import { badRequest } from '../api/errors';
import type { SiteScheduleKind } from './site-schedules';

/** Purge schedules are site schedules (services/site-schedules) that start the purge workflow
 * with the site only: each run opens its own purge log under the rules in force when it runs. */
export const PURGE_SCHEDULES: SiteScheduleKind = { kind: 'purge', workflowType: 'purge' };

export function purgeScheduleInput(siteId: string, body: unknown): PurgeInput {
  const dryRun = (body as { dryRun?: unknown } | undefined)?.dryRun;
  if (typeof dryRun !== 'boolean') throw badRequest('dryRun is required: true for scheduled dry runs, false for scheduled purges');
  return { siteId, dryRun };
}
