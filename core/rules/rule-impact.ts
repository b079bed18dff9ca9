import type { CustomerField, CustomerRecord } from '../customer';
import { scorePair, type MatchBand } from '../matching/score';
import type { TermFrequencies } from '../matching/term-frequency';
import { computeGoldenRecord, type SurvivorSource } from '../survivorship';
import type { MatchingRules, SurvivorshipRules } from './types';

/** What a draft of the rules would change on stored data, computed without changing anything.
 * Only counts and field names: no customer value ever leaves this module. */

/** The pair that decided a source record: the record and the stored record it matched best. */
export interface DecidingPair {
  sourceRecordId: string;
  /** linked, pending_review, ... as stored now */
  status: string;
  record: CustomerRecord;
  matchedRecord: CustomerRecord;
  /** an open duplicate-review task waits on this record */
  openReview: boolean;
  /** how common its values are among the other stored persons, for comparisons with termFrequency */
  frequencies?: TermFrequencies;
}

export interface BandChange {
  from: MatchBand;
  to: MatchBand;
  count: number;
}

export interface MatchingImpact {
  pairs: number;
  /** pairs whose band differs under the draft, grouped by (band now, band under the draft) */
  bandChanges: BandChange[];
  /** linked records whose deciding pair would fall in another band */
  linksChangingBand: number;
  reviewTasks: {
    /** pairs not in the review band now that would be: a task would be opened for such a record today */
    wouldAppear: number;
    /** open review tasks whose pair would leave the review band (linked or kept apart at once) */
    wouldGo: number;
  };
}

/** Scores every pair under the rules in force and under the draft; both are scored again, so
 * the figures show the draft's effect alone, not drift from older rule versions. */
export function matchingImpact(pairs: readonly DecidingPair[], current: MatchingRules, draft: MatchingRules): MatchingImpact {
  const changes = new Map<string, BandChange>();
  let linksChangingBand = 0;
  let wouldAppear = 0;
  let wouldGo = 0;
  for (const pair of pairs) {
    const now = scorePair(pair.record, pair.matchedRecord, current, pair.frequencies).band;
    const then = scorePair(pair.record, pair.matchedRecord, draft, pair.frequencies).band;
    if (then === 'review' && now !== 'review') wouldAppear++;
    if (pair.openReview && then !== 'review') wouldGo++;
    if (now === then) continue;
    const key = `${now}>${then}`;
    const change = changes.get(key) ?? { from: now, to: then, count: 0 };
    change.count++;
    changes.set(key, change);
    if (pair.status === 'linked') linksChangingBand++;
  }
  return {
    pairs: pairs.length,
    bandChanges: [...changes.values()].sort((a, b) => b.count - a.count || `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`)),
    linksChangingBand,
    reviewTasks: { wouldAppear, wouldGo },
  };
}

/** A golden record with the source records it is derived from. */
export interface GoldenRecordSources {
  customerId: string;
  sources: SurvivorSource[];
}

export interface SurvivorshipImpact {
  goldenRecords: number;
  /** golden records with at least one value that would change */
  changing: number;
  /** per field, how many golden records would get another value (or lose or gain it) */
  fieldChanges: Partial<Record<CustomerField, number>>;
}

/** Derives every golden record under the survivorship rules in force and under the draft. */
export function survivorshipImpact(goldenRecords: readonly GoldenRecordSources[], current: SurvivorshipRules, draft: SurvivorshipRules): SurvivorshipImpact {
  const fieldChanges: Partial<Record<CustomerField, number>> = {};
  let changing = 0;
  for (const golden of goldenRecords) {
    const now = computeGoldenRecord(golden.sources, current).record;
    const then = computeGoldenRecord(golden.sources, draft).record;
    const fields = [...new Set([...Object.keys(now), ...Object.keys(then)])] as CustomerField[];
    const changed = fields.filter((field) => now[field] !== then[field]);
    if (changed.length > 0) changing++;
    for (const field of changed) fieldChanges[field] = (fieldChanges[field] ?? 0) + 1;
  }
  return { goldenRecords: goldenRecords.length, changing, fieldChanges };
}
