import type { CustomerRecord } from '../customer';
import type { ComparatorName, FieldComparison, MatchField, MatchingRules } from '../rules/types';
import { comparatorLevels, compareField, MISSING } from './comparators';
import { comparableRecord, type ComparableRecord } from './keys';
import { termFrequencyU, type TermFrequencies } from './term-frequency';

/** One field's part of a match score. Holds no personal values: it is stored as the explanation
 * of a link and shown to stewards next to the records. */
export interface FieldScore {
  field: MatchField;
  comparator: ComparatorName;
  level: string;
  weight: number;
}

export type MatchBand = 'autoLink' | 'review' | 'distinct';

export interface MatchScore {
  /** sum of the field weights, in bits (log2 of the likelihood ratio) */
  weight: number;
  probability: number;
  band: MatchBand;
  fields: FieldScore[];
}

/** A stored source record found by blocking, with the golden record it is linked to. */
export interface CandidateRecord {
  sourceRecordId: string;
  customerId: string;
  record: CustomerRecord;
}

export interface RankedCandidate extends CandidateRecord {
  score: MatchScore;
}

/** Fellegi-Sunter score of two normalised records; `frequencies` (of a's values among the stored
 * persons) adjust the comparisons with termFrequency, which otherwise use the rule's u. */
export function scorePair(a: CustomerRecord, b: CustomerRecord, matching: MatchingRules, frequencies: TermFrequencies = {}): MatchScore {
  return scoreComparable(comparableRecord(a), comparableRecord(b), matching, frequencies);
}

function scoreComparable(a: ComparableRecord, b: ComparableRecord, matching: MatchingRules, frequencies: TermFrequencies): MatchScore {
  const fields = matching.comparisons.map((comparison) => scoreField(comparison, a, b, frequencies));
  const weight = fields.reduce((total, field) => total + field.weight, 0);
  const probability = matchProbability(weight, matching.priorProbability);
  return { weight, probability, band: bandOf(probability, matching.thresholds), fields };
}

function scoreField(comparison: FieldComparison, a: ComparableRecord, b: ComparableRecord, frequencies: TermFrequencies): FieldScore {
  const { field, comparator, params, levels } = comparison;
  const level = configuredLevel(comparison, compareField(comparator, field, a, b, params));
  const probabilities = level === MISSING ? undefined : levels[level];
  const u = probabilities && level === 'exact' && comparison.termFrequency ? termFrequencyU(probabilities.u, frequencies[field]) : probabilities?.u;
  const weight = probabilities && u ? Math.log2(probabilities.m / u) : 0;
  return { field, comparator, level, weight };
}

/** A level the rules do not list counts as the next less agreeing level they do list, so a rule
 * file can merge fine levels ("oneEdit", "twoEdits") into coarser ones. */
function configuredLevel(comparison: FieldComparison, level: string): string {
  if (level === MISSING || level in comparison.levels) return level;
  const ordered = comparatorLevels(comparison.comparator);
  const listed = ordered.slice(ordered.indexOf(level) + 1).find((weaker) => weaker in comparison.levels);
  return listed ?? MISSING;
}

/** Posterior probability from the prior odds and the total weight in bits. */
export function matchProbability(weight: number, priorProbability: number): number {
  const logPriorOdds = Math.log2(priorProbability / (1 - priorProbability));
  return 1 / (1 + 2 ** -(logPriorOdds + weight));
}

function bandOf(probability: number, thresholds: MatchingRules['thresholds']): MatchBand {
  if (probability >= thresholds.autoLink) return 'autoLink';
  return probability >= thresholds.review ? 'review' : 'distinct';
}

/** Every candidate scored against the record, best first. */
export function scoreCandidates(
  record: CustomerRecord,
  candidates: CandidateRecord[],
  matching: MatchingRules,
  frequencies: TermFrequencies = {},
): RankedCandidate[] {
  const comparable = comparableRecord(record);
  return candidates
    .map((candidate) => ({ ...candidate, score: scoreComparable(comparable, comparableRecord(candidate.record), matching, frequencies) }))
    .sort((x, y) => y.score.weight - x.score.weight);
}

/** The best-scoring source record of each golden record, best first. */
export function bestPerGoldenRecord(ranked: RankedCandidate[]): RankedCandidate[] {
  const best = new Map<string, RankedCandidate>();
  for (const candidate of ranked) {
    const current = best.get(candidate.customerId);
    if (!current || candidate.score.weight > current.score.weight) best.set(candidate.customerId, candidate);
  }
  return [...best.values()].sort((x, y) => y.score.weight - x.score.weight);
}

export function rankCandidates(
  record: CustomerRecord,
  candidates: CandidateRecord[],
  matching: MatchingRules,
  frequencies: TermFrequencies = {},
): RankedCandidate[] {
  return bestPerGoldenRecord(scoreCandidates(record, candidates, matching, frequencies));
}
