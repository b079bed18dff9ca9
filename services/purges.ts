import type { Client } from '@temporalio/client';
import { isUuid } from '../core/ids';
import { purgePlan } from '../core/retention/plan';
import type { VersionedSiteRules } from '../core/rules/types';
import { workflowIds } from '../core/workflow-ids';
import type { Db } from '../runtime/db';
import { rememberRuleVersion } from '../store/rule-versions';
import { openPurgeRun, findPurgeRun, purgePages, type PurgeRun } from '../store/purges';
import { canActOnSite, type User } from '../store/users';
import { badRequest, forbidden, notFound } from '../api/errors';

/** Compliance officers and admins of a site run its purges and read their logs. */
export const PURGE_ROLES = ['compliance', 'admin'] as const;

export interface PurgeRequest {
  dryRun: boolean;
  /** rows per page (tests use small pages); the workflow's default otherwise */
  pageSize?: number;
}

export function parsePurgeRequest(body: unknown): PurgeRequest {
  const fields = (body ?? {}) as Record<string, unknown>;
  if (typeof fields.dryRun !== 'boolean') throw badRequest('dryRun is required: true to report what would be purged, false to purge');
  if (fields.pageSize !== undefined && (!Number.isInteger(fields.pageSize) || (fields.pageSize as number) < 1 || (fields.pageSize as number) > 10_000)) {
    throw badRequest('pageSize must be a whole number from 1 to 10000');
  }
  return { dryRun: fields.dryRun, pageSize: fields.pageSize as number | undefined };
}

/** Records the purge in the purge log and starts purge:<site>:<time>, which carries only its id. */
export async function startPurge(
  deps: { db: Db; client: Client; taskQueue: string },
  siteId: string,
  rules: VersionedSiteRules,
  request: PurgeRequest,
  startedBy: string,
  now = new Date(),
): Promise<PurgeRun> {
  await rememberRuleVersion(deps.db, siteId, rules);
  const workflowId = workflowIds.purge(siteId, now);
  const run = await openPurgeRun(deps.db, { siteId, workflowId, dryRun: request.dryRun, rulesVersion: rules.version, plan: purgePlan(rules, now), startedBy });
  await deps.client.workflow.start('purge', {
    taskQueue: deps.taskQueue,
    workflowId,
    args: [{ purgeId: run.id, dryRun: request.dryRun, pageSize: request.pageSize }],
  });
  return run;
}

/** A purge and its log (counts and hashed ids per page), for the officers of its site. */
export async function purgeView(db: Db, user: User, purgeId: string) {
  const run = isUuid(purgeId) ? await findPurgeRun(db, purgeId) : undefined;
  if (!run) throw notFound(`no purge ${purgeId}`);
  if (!canActOnSite(user, run.siteId)) throw forbidden(`purge ${purgeId} belongs to site "${run.siteId}", which you may not act on`);
  const pages = run.dryRun ? [] : await purgePages(db, run.id);
  return { ...run, pages };
}
