import { randomUUID } from 'node:crypto';
import type { SiteRulesSource, VersionedSiteRules } from '../core/rules/types';
import type { Db } from '../runtime/db';
import { giveOwnGoldenRecord, recomputeGoldenRecord } from '../activities/golden-records';
import { appendChange } from '../store/change-log';
import { findGoldenRecord } from '../store/customers';
import { rememberDistinctPairs } from '../store/distinct-pairs';
import { getSourceRecord, sourceRecordsOfCustomer } from '../store/source-records';
import type { User } from '../store/users';
import { conflict, notFound } from '../api/errors';

/** Splits one source record out of a golden record into a golden record of its own, derives both
 * again, and remembers the two as different people so matching never joins them again. */
export async function unmergeSourceRecord(
  deps: { db: Db; rules: SiteRulesSource },
  user: User,
  customerId: string,
  sourceRecordId: string,
  authorise: (siteId: string) => void,
): Promise<{ customerId: string; newCustomerId: string }> {
  const actor = `unmerge:${randomUUID()}`;
  return deps.db.transaction(async (trx) => {
    const golden = await findGoldenRecord(trx, customerId, { forUpdate: true });
    if (!golden) throw notFound(`no customer ${customerId}`);
    const sources = await sourceRecordsOfCustomer(trx, customerId);
    const sourceRecord = sources.find((source) => source.id === sourceRecordId);
    if (!sourceRecord) throw notFound(`source record ${sourceRecordId} is not linked to customer ${customerId}`);
    authorise(sourceRecord.siteId);
    const remaining = sources.filter((source) => source.id !== sourceRecordId);
    if (remaining.length === 0) throw conflict(`source record ${sourceRecordId} is the only one of customer ${customerId}: there is nothing to split`);

    const { rules, version } = rulesOf(deps.rules, sourceRecord.siteId);
    const locked = await getSourceRecord(trx, sourceRecordId, { forUpdate: true });
    const split = await giveOwnGoldenRecord(trx, locked, rules, version, actor);
    const home = rulesOf(deps.rules, golden.homeSiteId);
    await recomputeGoldenRecord(trx, customerId, home.rules, home.version, actor, `${actor}:${customerId}`);
    await rememberDistinctPairs(trx, sourceRecordId, remaining.map((source) => source.id), { decidedBy: user.id });
    await appendChange(trx, {
      entityType: 'customer',
      entityId: customerId,
      siteId: sourceRecord.siteId,
      action: 'unmerged',
      before: { sourceRecordIds: sources.map((source) => source.id) },
      after: { sourceRecordIds: remaining.map((source) => source.id), splitInto: { customerId: split.id, sourceRecordId } },
      actor: user.id,
      rulesVersion: version,
      idempotencyKey: `${actor}:unmerged`,
    });
    return { customerId, newCustomerId: split.id };
  });
}

function rulesOf(rules: SiteRulesSource, siteId: string): VersionedSiteRules {
  const versioned = rules.forSite(siteId);
  if (!versioned) throw notFound(`no rules for site ${siteId}`);
  return versioned;
}
