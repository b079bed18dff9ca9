import type { CustomerRecord } from '../core/customer';
import { matchKeys } from '../core/matching/keys';
import { rankCandidates } from '../core/matching/score';
import { normaliseRecord } from '../core/normalise';
import type { BestCandidate, OnboardingOutcome, OnboardingSteps, PreparedRecord } from '../core/onboarding';
import { validateRecord } from '../core/records/validate';
import type { MatchingRules, SiteRulesSource, VersionedSiteRules } from '../core/rules/types';
import type { Db } from '../runtime/db';
import { appendChange } from '../store/change-log';
import { customersKeptDistinctFrom } from '../store/distinct-pairs';
import { saveMatchEvaluation } from '../store/match-evaluations';
import { rememberRuleVersion } from '../store/rule-versions';
import { getSourceRecord, markRejected, saveNormalised, setOutcome, type SourceRecord } from '../store/source-records';
import { openTask } from '../store/tasks';
import type { TermFrequencies } from '../core/matching/term-frequency';
import { findCandidateRecords, findTermFrequencies } from './matching-store';
import { giveOwnGoldenRecord, mergeIntoGoldenRecord } from './golden-records';

export interface OnboardingDeps {
  db: Db;
  rules: SiteRulesSource;
  /** starts the review workflow of a duplicate-review task (idempotent) */
  startReview: (taskId: string) => Promise<void>;
}

/** How many best-scoring golden records are kept as evidence for one record. */
const EVALUATIONS_KEPT = 3;

/** pg_advisory_xact_lock key serialising golden-record creation (any fixed 64-bit number). */
const GOLDEN_RECORD_CREATION_LOCK = 7_106_521_943;

/** The onboarding steps over Postgres. Each is idempotent: it checks what is stored before it
 * changes anything, and writes lineage under a key derived from the record and the step. */
export function createOnboardingActivities({ db, rules, startReview }: OnboardingDeps): OnboardingSteps {
  const rulesOf = async (siteId: string): Promise<VersionedSiteRules> => {
    const versioned = rules.forSite(siteId);
    if (!versioned) throw new Error(`no rules for site ${siteId}`);
    await rememberRuleVersion(db, siteId, versioned);
    return versioned;
  };

  return {
    async prepareSourceRecord({ sourceRecordId, actor }): Promise<PreparedRecord> {
      const sourceRecord = await getSourceRecord(db, sourceRecordId);
      if (sourceRecord.outcome) return { state: 'done', outcome: sourceRecord.outcome };
      const { rules: siteRules, version } = await rulesOf(sourceRecord.siteId);
      const problems = validateRecord(sourceRecord.raw, siteRules);
      if (problems.length > 0) {
        const outcome: OnboardingOutcome = { outcome: 'rejected', sourceRecordId, problems, rulesVersion: version };
        await db.transaction(async (trx) => {
          await markRejected(trx, sourceRecordId, problems, version);
          await setOutcome(trx, sourceRecordId, outcome);
          await appendChange(trx, {
            entityType: 'source_record',
            entityId: sourceRecordId,
            siteId: sourceRecord.siteId,
            action: 'rejected',
            after: { problems },
            actor,
            rulesVersion: version,
            idempotencyKey: `${sourceRecordId}:rejected`,
          });
        });
        return { state: 'rejected', problems, rulesVersion: version };
      }
      const record = normaliseRecord(sourceRecord.raw, siteRules.normalisation);
      await db.transaction(async (trx) => {
        await saveNormalised(trx, sourceRecordId, { record, keys: matchKeys(record), rulesVersion: version });
        await appendChange(trx, {
          entityType: 'source_record',
          entityId: sourceRecordId,
          siteId: sourceRecord.siteId,
          action: 'normalised',
          before: sourceRecord.raw,
          after: record,
          actor,
          rulesVersion: version,
          idempotencyKey: `${sourceRecordId}:normalised:${version}`,
        });
      });
      return { state: 'valid', rulesVersion: version };
    },

    async matchSourceRecord({ sourceRecordId }) {
      const sourceRecord = await getSourceRecord(db, sourceRecordId);
      const { rules: siteRules, version } = await rulesOf(sourceRecord.siteId);
      const { ranked, candidates } = await rankedCandidates(db, sourceRecord, siteRules.matching);
      let best: BestCandidate | undefined;
      for (const candidate of ranked) {
        const evaluationId = await saveMatchEvaluation(db, {
          sourceRecordId,
          customerId: candidate.customerId,
          matchedSourceRecordId: candidate.sourceRecordId,
          score: candidate.score,
          rulesVersion: version,
        });
        best ??= { customerId: candidate.customerId, evaluationId, probability: candidate.score.probability, band: candidate.score.band };
      }
      return { best, candidates };
    },

    async linkSourceRecord({ sourceRecordId, customerId, probability, actor }) {
      return db.transaction(async (trx) => {
        const sourceRecord = await getSourceRecord(trx, sourceRecordId, { forUpdate: true });
        if (sourceRecord.outcome) return sourceRecord.outcome;
        const { rules: siteRules, version } = await rulesOf(sourceRecord.siteId);
        const outcome: OnboardingOutcome = { outcome: 'linked', sourceRecordId, customerId, probability, rulesVersion: version };
        await mergeIntoGoldenRecord(trx, sourceRecord, customerId, siteRules, version, actor);
        await setOutcome(trx, sourceRecordId, outcome);
        return outcome;
      });
    },

    async openDuplicateReview({ sourceRecordId, customerId, evaluationId, probability, actor }) {
      const outcome = await db.transaction(async (trx): Promise<OnboardingOutcome> => {
        const sourceRecord = await getSourceRecord(trx, sourceRecordId, { forUpdate: true });
        if (sourceRecord.outcome) return sourceRecord.outcome;
        const { version } = await rulesOf(sourceRecord.siteId);
        const { task } = await openTask(trx, {
          siteId: sourceRecord.siteId,
          type: 'duplicate_review',
          idempotencyKey: `duplicate_review:${sourceRecordId}:${customerId}`,
          workflowId: actor,
          sourceRecordId,
          customerId,
          matchEvaluationId: evaluationId,
          details: { probability },
          rulesVersion: version,
        });
        const outcome: OnboardingOutcome = {
          outcome: 'review',
          sourceRecordId,
          taskId: task.id,
          candidateCustomerId: customerId,
          probability,
          rulesVersion: version,
        };
        await trx('source_records').where({ id: sourceRecordId }).update({ status: 'pending_review', updated_at: trx.fn.now() });
        await setOutcome(trx, sourceRecordId, outcome);
        await appendChange(trx, {
          entityType: 'task',
          entityId: task.id,
          siteId: sourceRecord.siteId,
          action: 'opened',
          after: { type: 'duplicate_review', sourceRecordId, customerId, evaluationId },
          actor,
          rulesVersion: version,
          idempotencyKey: `${task.id}:opened`,
        });
        return outcome;
      });
      // after the commit, and again on a retry: the review must run once the task exists
      if (outcome.outcome === 'review') await startReview(outcome.taskId);
      return outcome;
    },

    async createGoldenRecord({ sourceRecordId, actor, recheck }) {
      return db.transaction(async (trx) => {
        // One creation at a time, each seeing every golden record committed before it: without
        // this, two duplicates matched at the same moment would each create their own.
        await trx.raw('SELECT pg_advisory_xact_lock(?)', [GOLDEN_RECORD_CREATION_LOCK]);
        const sourceRecord = await getSourceRecord(trx, sourceRecordId, { forUpdate: true });
        if (sourceRecord.outcome) return sourceRecord.outcome;
        const { rules: siteRules, version } = await rulesOf(sourceRecord.siteId);
        if (recheck && (await matchesAnyGoldenRecord(trx, db, sourceRecord, siteRules.matching))) return { outcome: 'matchChanged' as const };
        const golden = await giveOwnGoldenRecord(trx, sourceRecord, siteRules, version, actor);
        const outcome: OnboardingOutcome = { outcome: 'created', sourceRecordId, customerId: golden.id, rulesVersion: version };
        await setOutcome(trx, sourceRecordId, outcome);
        return outcome;
      });
    },
  };
}

/** The candidates blocking finds for a stored record, with its normalised record and keys. */
async function candidatesOf(db: Db, sourceRecord: SourceRecord, matching: MatchingRules) {
  const record = normalisedOf(sourceRecord);
  const keys = matchKeys(record);
  const candidates = await findCandidateRecords(db, keys, matching, { excludeSourceRecordId: sourceRecord.id, limit: matching.maxCandidates });
  return { record, keys, candidates };
}

/** The best-scoring golden records for a record, kept-distinct ones left out, best first. */
async function rankedCandidates(db: Db, sourceRecord: SourceRecord, matching: MatchingRules) {
  const { record, keys, candidates } = await candidatesOf(db, sourceRecord, matching);
  const keptDistinct = await customersKeptDistinctFrom(db, sourceRecord.id);
  const frequencies = await findTermFrequencies(db, keys, matching, candidates);
  const ranked = rankCandidates(record, candidates, matching, frequencies)
    .filter((candidate) => !keptDistinct.has(candidate.customerId))
    .slice(0, EVALUATIONS_KEPT);
  return { ranked, candidates: candidates.length };
}

/** Whether a golden record (not kept distinct) now scores above the distinct band: the recheck
 * under the creation lock, kept short. Term frequencies only ever lower a weight, so they (and the
 * kept-distinct pairs) are read only when a candidate is above distinct without them; `counts` is
 * the pool, whose cached totals serve every transaction. */
async function matchesAnyGoldenRecord(trx: Db, counts: Db, sourceRecord: SourceRecord, matching: MatchingRules): Promise<boolean> {
  const { record, keys, candidates } = await candidatesOf(trx, sourceRecord, matching);
  const aboveDistinct = (frequencies: TermFrequencies) =>
    rankCandidates(record, candidates, matching, frequencies).filter((candidate) => candidate.score.band !== 'distinct');
  if (aboveDistinct({}).length === 0) return false;
  const keptDistinct = await customersKeptDistinctFrom(trx, sourceRecord.id);
  const frequencies = await findTermFrequencies(counts, keys, matching, candidates);
  return aboveDistinct(frequencies).some((candidate) => !keptDistinct.has(candidate.customerId));
}

function normalisedOf(sourceRecord: SourceRecord): CustomerRecord {
  if (!sourceRecord.record) throw new Error(`source record ${sourceRecord.id} is not normalised yet`);
  return sourceRecord.record;
}
