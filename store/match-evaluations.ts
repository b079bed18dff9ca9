import type { Knex } from 'knex';
import type { MatchScore } from '../core/matching/score';

type Queryable = Knex | Knex.Transaction;

export interface MatchEvaluation {
  id: string;
  sourceRecordId: string;
  customerId: string;
  matchedSourceRecordId: string | null;
  weight: number;
  probability: number;
  band: string;
  explanation: MatchScore['fields'];
  rulesVersion: string;
  createdAt: Date;
}

/** Stores a scored comparison once per (record, candidate, rules version). */
export async function saveMatchEvaluation(
  db: Queryable,
  evaluation: { sourceRecordId: string; customerId: string; matchedSourceRecordId: string; score: MatchScore; rulesVersion: string },
): Promise<string> {
  const [row] = await db('match_evaluations')
    .insert({
      source_record_id: evaluation.sourceRecordId,
      customer_id: evaluation.customerId,
      matched_source_record_id: evaluation.matchedSourceRecordId,
      weight: evaluation.score.weight,
      probability: evaluation.score.probability,
      band: evaluation.score.band,
      explanation: JSON.stringify(evaluation.score.fields),
      rules_version: evaluation.rulesVersion,
    })
    .onConflict(['source_record_id', 'customer_id', 'rules_version'])
    .merge(['matched_source_record_id', 'weight', 'probability', 'band', 'explanation'])
    .returning(['id']);
  return row.id;
}

export async function evaluationsOfSourceRecords(db: Queryable, sourceRecordIds: string[]): Promise<MatchEvaluation[]> {
  if (sourceRecordIds.length === 0) return [];
  const rows = await db('match_evaluations').whereIn('source_record_id', sourceRecordIds).orderBy('created_at');
  return rows.map(fromRow);
}

export async function findMatchEvaluation(db: Queryable, id: string): Promise<MatchEvaluation | undefined> {
  const row = await db('match_evaluations').where({ id }).first();
  return row ? fromRow(row) : undefined;
}

function fromRow(row: Record<string, any>): MatchEvaluation {
  return {
    id: row.id,
    sourceRecordId: row.source_record_id,
    customerId: row.customer_id,
    matchedSourceRecordId: row.matched_source_record_id,
    weight: row.weight,
    probability: row.probability,
    band: row.band,
    explanation: row.explanation,
    rulesVersion: row.rules_version,
    createdAt: row.created_at,
  };
}
