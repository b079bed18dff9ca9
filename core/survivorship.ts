import { CUSTOMER_FIELDS, type CustomerField, type CustomerRecord } from './customer';
import type { SurvivorshipRules, SurvivorshipStrategy } from './rules/types';

/** One source record offered to survivorship, with what the strategies rank it by. */
export interface SurvivorSource {
  sourceRecordId: string;
  siteId: string;
  sourceSystem: string;
  receivedAt: Date;
  record: CustomerRecord;
}

/** For each field of a golden record: the source record its value came from, and why. */
export type Provenance = Partial<Record<CustomerField, { sourceRecordId: string; strategy: SurvivorshipStrategy }>>;

export interface GoldenRecordDerivation {
  record: CustomerRecord;
  provenance: Provenance;
}

interface Candidate {
  source: SurvivorSource;
  value: string;
}

/** How much a strategy prefers a candidate: higher wins; equal scores fall back to the most recent,
 * then to the smallest source record id, so the outcome never depends on input order. */
type StrategyScore = (candidate: Candidate, candidates: readonly Candidate[], rules: SurvivorshipRules) => number;

const STRATEGY_SCORES: Record<SurvivorshipStrategy, StrategyScore> = {
  mostRecent: () => 0,
  mostComplete: ({ value }) => informativeLength(value),
  mostFrequent: ({ value }, candidates) =>
    candidates.filter((other) => comparableForm(other.value) === comparableForm(value)).length,
  sitePriority: ({ source }, _candidates, rules) => -priorityRank(rules.sitePriority, source.siteId),
  sourcePriority: ({ source }, _candidates, rules) => -priorityRank(rules.sourcePriority, source.sourceSystem),
};

/** Derives a golden record from its source records: per field, the non-empty value the field's
 * strategy prefers. A field no source fills stays absent. */
export function computeGoldenRecord(sources: readonly SurvivorSource[], rules: SurvivorshipRules): GoldenRecordDerivation {
  const record: CustomerRecord = {};
  const provenance: Provenance = {};
  for (const field of CUSTOMER_FIELDS) {
    const candidates = sources.flatMap((source) => {
      const value = source.record[field];
      return value !== undefined && value.trim() !== '' ? [{ source, value }] : [];
    });
    if (candidates.length === 0) continue;
    const strategy = rules.fields[field] ?? rules.default;
    const winner = bestCandidate(candidates, STRATEGY_SCORES[strategy], rules);
    record[field] = winner.value;
    provenance[field] = { sourceRecordId: winner.source.sourceRecordId, strategy };
  }
  return { record, provenance };
}

function bestCandidate(candidates: readonly Candidate[], score: StrategyScore, rules: SurvivorshipRules): Candidate {
  const scored = candidates.map((candidate) => ({ candidate, score: score(candidate, candidates, rules) }));
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      b.candidate.source.receivedAt.getTime() - a.candidate.source.receivedAt.getTime() ||
      compareIds(a.candidate.source.sourceRecordId, b.candidate.source.sourceRecordId),
  );
  return scored[0].candidate;
}

/** Letters and digits count, spacing and punctuation do not: "J.-P." says less than "Jean-Pierre". */
function informativeLength(value: string): number {
  return value.replace(/[^\p{L}\p{N}]/gu, '').length;
}

/** Values that differ only in case or spacing count as the same value. */
function comparableForm(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Position in a priority list, most trusted first; anything unlisted ranks after the whole list. */
function priorityRank(priority: readonly string[], name: string): number {
  const index = priority.indexOf(name);
  return index === -1 ? priority.length : index;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
