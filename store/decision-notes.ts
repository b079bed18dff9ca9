import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

type Queryable = Knex | Knex.Transaction;

/** Keeps the free text of a decision and returns the id its workflow Update carries instead. */
export async function storeDecisionNote(db: Queryable, note: string): Promise<string> {
  const id = randomUUID();
  await db('decision_notes').insert({ id, note });
  return id;
}

export async function decisionNote(db: Queryable, id: string): Promise<string> {
  const row = await db('decision_notes').where({ id }).first('note');
  if (!row) throw new Error(`no decision note ${id}`);
  return row.note;
}
