import type { MatchField } from '../rules/types';

/** How common one incoming value is among the stored persons (golden records, so that the
 * duplicates of one person do not make a rare name look common). */
export interface ValueFrequency {
  /** persons with a record holding this value */
  withValue: number;
  /** persons with a record holding any value in the field */
  withAnyValue: number;
}

/** Per field, the frequency of the incoming record's value; fields without one use the rule's u. */
export type TermFrequencies = Partial<Record<MatchField, ValueFrequency>>;

/** The rule's u counts as this many persons: a store much smaller than this barely moves it, a
 * large one replaces it with the observed frequency. */
export const PERSONS_BEHIND_RULE_U = 1000;

/** The u of an exact agreement on a value: the chance that two different people share it, which is
 * the value's frequency ("Smith" agrees by chance far more often than "Zwirner"). It only ever
 * raises the rule's u: a value commoner than the rule assumes weighs less, and a rare one keeps
 * the rule's weight, so a rare name never links on its own strength. */
export function termFrequencyU(ruleU: number, frequency: ValueFrequency | undefined): number {
  if (!frequency || frequency.withAnyValue <= 0) return ruleU;
  const observed = (frequency.withValue + ruleU * PERSONS_BEHIND_RULE_U) / (frequency.withAnyValue + PERSONS_BEHIND_RULE_U);
  return Math.min(1, Math.max(ruleU, observed));
}
