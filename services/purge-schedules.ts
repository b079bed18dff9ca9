import type { PurgeInput } from '../workflows/purge';
import { badRequest } from '../api/errors';
import type { ScheduleKind } from './schedules';

export interface PurgeScheduleOptions {
  /** true: each run only counts what has expired */
  dryRun: boolean;
}

/** Purge schedules (services/schedules) start the purge workflow with the site and dryRun only:
 * each run opens its own purge log under the rules in force when it runs. */
export const PURGE_SCHEDULES: ScheduleKind<PurgeScheduleOptions> = {
  kind: 'purge',
  workflowType: 'purge',
  input: (siteId, { dryRun }): PurgeInput => ({ siteId, dryRun }),
  parseOptions(body, current) {
    if (body.dryRun === undefined && current) return current;
    if (typeof body.dryRun !== 'boolean') {
      throw badRequest('dryRun is required, true or false: true for scheduled dry runs, false for scheduled purges', { field: 'dryRun' });
    }
    return { dryRun: body.dryRun };
  },
  optionFields: ['dryRun'],
};
