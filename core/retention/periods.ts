import { nominalMilliseconds, parseIsoDuration } from '../rules/duration';
import type { ErasureRules } from './types';

/** The instant before which data of a category counts as expired: `now` minus the period, years
 * and months counted on the calendar (UTC), the rest in elapsed time. */
export function retentionCutoff(now: Date, inactiveFor: string): Date {
  const period = parseIsoDuration(inactiveFor);
  if (!period) throw new Error(`"${inactiveFor}" is not an ISO 8601 duration`);
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - period.years, cutoff.getUTCMonth() - period.months);
  return new Date(cutoff.getTime() - nominalMilliseconds({ ...period, years: 0, months: 0 }));
}

/** The erasure deadline of a jurisdiction, or the default one. */
export function erasureDeadlineFor(rules: ErasureRules, jurisdiction: string): string {
  return rules.deadlineByJurisdiction[jurisdiction] ?? rules.deadline;
}

/** The shortest of several ISO 8601 durations (a person known at several sites gets the strictest
 * deadline of their jurisdictions). */
export function shortestDuration(durations: readonly string[]): string {
  if (durations.length === 0) throw new Error('no duration to choose from');
  return [...durations].sort((a, b) => lengthOf(a) - lengthOf(b))[0];
}

/** Elapsed milliseconds of a duration (a month as 30 days, a year as 365). */
export function lengthOf(duration: string): number {
  const parsed = parseIsoDuration(duration);
  if (!parsed) throw new Error(`"${duration}" is not an ISO 8601 duration`);
  return nominalMilliseconds(parsed);
}
