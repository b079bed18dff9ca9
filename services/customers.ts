import { foldText } from '../core/matching/keys';
import type { Db } from '../runtime/db';
import { changesOf, type ChangeLogRow } from '../store/change-log';
import { findGoldenRecord, searchGoldenRecords, sitesOfGoldenRecord, type GoldenRecord } from '../store/customers';
import { evaluationsOfSourceRecords, type MatchEvaluation } from '../store/match-evaluations';
import { sourceRecordsOfCustomer } from '../store/source-records';
import { canActOnSite, sitesOf, type User } from '../store/users';
import { badRequest, forbidden, notFound } from '../api/errors';
import { isUuid } from '../core/ids';

/** A golden record as a steward reads it: its values, where each came from, its source records
 * (in full for the caller's sites), why each was linked, and its lineage. */
export async function customerView(db: Db, user: User, customerId: string) {
  const golden = isUuid(customerId) ? await findGoldenRecord(db, customerId) : undefined;
  if (!golden) throw notFound(`no customer ${customerId}`);
  const sites = await sitesOfGoldenRecord(db, customerId);
  if (!sites.some((site) => canActOnSite(user, site))) {
    throw forbidden(`customer ${customerId} has records only at sites you may not act on (${sites.join(', ')})`);
  }
  const sources = await sourceRecordsOfCustomer(db, customerId);
  const evaluations = await evaluationsOfSourceRecords(db, sources.map((source) => source.id));
  const lineage = await changesOf(db, [
    { type: 'customer', id: customerId },
    ...sources.map((source) => ({ type: 'source_record', id: source.id })),
  ]);
  return {
    ...goldenRecordSummary(golden),
    provenance: golden.provenance,
    sourceRecords: sources.map((source) => {
      const visible = canActOnSite(user, source.siteId);
      return {
        id: source.id,
        siteId: source.siteId,
        sourceSystem: source.sourceSystem,
        sourceId: visible ? source.sourceId : undefined,
        status: source.status,
        receivedAt: source.receivedAt,
        record: visible ? source.record : undefined,
        restricted: !visible || undefined,
        rulesVersion: source.rulesVersion,
        match: linkExplanation(evaluations, source.id, customerId),
      };
    }),
    lineage: lineage.filter((entry) => entry.site_id === null || canActOnSite(user, entry.site_id)).map(lineageEntry),
  };
}

function linkExplanation(evaluations: MatchEvaluation[], sourceRecordId: string, customerId: string) {
  const evaluation = evaluations
    .filter((candidate) => candidate.sourceRecordId === sourceRecordId && candidate.customerId === customerId)
    .at(-1);
  if (!evaluation) return null;
  return {
    probability: evaluation.probability,
    weight: evaluation.weight,
    band: evaluation.band,
    comparedWith: evaluation.matchedSourceRecordId,
    fields: evaluation.explanation,
    rulesVersion: evaluation.rulesVersion,
  };
}

function lineageEntry(entry: ChangeLogRow) {
  return {
    id: Number(entry.id),
    entityType: entry.entity_type,
    entityId: entry.entity_id,
    action: entry.action,
    before: entry.before,
    after: entry.after,
    actor: entry.actor,
    rulesVersion: entry.rules_version,
    at: entry.created_at,
  };
}

function goldenRecordSummary(golden: GoldenRecord) {
  return {
    id: golden.id,
    status: golden.status,
    record: golden.record,
    version: golden.version,
    rulesVersion: golden.rulesVersion,
    createdAt: golden.createdAt,
    updatedAt: golden.updatedAt,
  };
}

export async function searchCustomers(
  db: Db,
  user: User,
  allSiteIds: string[],
  query: { q?: string; site?: string; limit: number; offset: number },
) {
  const key = foldText(query.q ?? '')?.trim();
  if (!key || key.length < 2) throw badRequest('q must hold at least 2 letters of a name, or an email or phone');
  let siteIds = sitesOf(user, allSiteIds);
  if (query.site) {
    if (!canActOnSite(user, query.site)) throw forbidden(`you may not act on site "${query.site}"`);
    siteIds = [query.site];
  }
  const found = await searchGoldenRecords(db, key, siteIds, query);
  return { customers: found.map(goldenRecordSummary), limit: query.limit, offset: query.offset };
}
