import { nominalMilliseconds, parseIsoDuration } from './rules/duration';

/** When a schedule (of audits, of purges) fires: a cron expression or a fixed interval, read in
 * an IANA zone. */
export type ScheduleSpec = CronSpec | IntervalSpec;

export interface CronSpec {
  cron: string;
  timeZone: string;
}

export interface IntervalSpec {
  /** as the caller wrote it (P1D, 1d) */
  interval: string;
  intervalMs: number;
  timeZone: string;
}

/** What a caller asked for, before it is checked. */
export interface ScheduleSpecInput {
  cron?: unknown;
  interval?: unknown;
  timeZone?: unknown;
}

/** A problem with one field of the request, so the API can answer 400 naming it. */
export interface SpecProblem {
  field: 'cron' | 'interval' | 'timeZone';
  message: string;
}

const HOUR = 3_600_000;
/** Audits and purges scan a site's tables: more often than hourly would mostly be skipped as
 * overlapping. */
const MIN_INTERVAL_MS = HOUR;
const SHORT_INTERVAL = /^(\d+)([mhdw])$/;
const SHORT_UNIT_MS: Record<string, number> = { m: 60_000, h: HOUR, d: 24 * HOUR, w: 7 * 24 * HOUR };

const CRON_MACROS = new Set(['@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually']);
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, firstNameValue: 1 },
  { name: 'day of week', min: 0, max: 6, names: DAY_NAMES, firstNameValue: 0 },
] as const;

/** The checked spec, or the problem with the field that is wrong. `current` fills in what a
 * change leaves out (the time zone, or the timing when only the zone changes). */
export function parseScheduleSpec(input: ScheduleSpecInput, current?: ScheduleSpec): ScheduleSpec | SpecProblem {
  const timeZone = input.timeZone ?? current?.timeZone;
  if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) {
    return { field: 'timeZone', message: 'timeZone must be an IANA time zone such as Europe/Paris or UTC' };
  }
  if (input.cron !== undefined && input.interval !== undefined) {
    return { field: 'cron', message: 'give either cron or interval, not both' };
  }
  if (input.cron !== undefined) {
    const problem = cronProblem(input.cron);
    return problem ? { field: 'cron', message: problem } : { cron: (input.cron as string).trim(), timeZone };
  }
  if (input.interval !== undefined) {
    const intervalMs = typeof input.interval === 'string' ? intervalMilliseconds(input.interval) : undefined;
    if (intervalMs === undefined) {
      return { field: 'interval', message: 'interval must be an ISO 8601 duration in weeks, days, hours or minutes (P1D, PT6H) or a short form such as 1d, 12h, 2w' };
    }
    if (intervalMs < MIN_INTERVAL_MS) return { field: 'interval', message: 'interval must be at least one hour' };
    return { interval: input.interval as string, intervalMs, timeZone };
  }
  if (current) return { ...current, timeZone };
  return { field: 'cron', message: 'give cron (e.g. "0 6 * * 1") or interval (e.g. "P1D" or "1d")' };
}

export function isSpecProblem(value: ScheduleSpec | SpecProblem): value is SpecProblem {
  return 'field' in value;
}

function isTimeZone(name: string): boolean {
  // Intl also takes offsets and odd casing; Temporal's server wants a zone name from the tz database
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Months and years have no fixed length, so an interval is written in weeks to minutes. */
function intervalMilliseconds(text: string): number | undefined {
  const short = SHORT_INTERVAL.exec(text);
  if (short) return Number(short[1]) * SHORT_UNIT_MS[short[2]];
  const duration = parseIsoDuration(text);
  if (!duration || duration.years > 0 || duration.months > 0 || !Number.isInteger(duration.seconds)) return undefined;
  return nominalMilliseconds(duration);
}

/** Why a cron expression is not one the schedule takes (five fields, or a macro), or undefined. */
export function cronProblem(cron: unknown): string | undefined {
  if (typeof cron !== 'string' || cron.trim() === '') return 'cron must be a cron expression such as "0 6 * * 1" (minute hour day-of-month month day-of-week)';
  const text = cron.trim().toLowerCase();
  if (text.startsWith('@')) return CRON_MACROS.has(text) ? undefined : `cron "${cron}" names an unknown macro; use one of ${[...CRON_MACROS].join(', ')}`;
  const fields = text.split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) {
    return `cron "${cron}" has ${fields.length} fields; it needs 5: minute hour day-of-month month day-of-week (the time zone goes in timeZone)`;
  }
  for (const [index, field] of fields.entries()) {
    const rule = CRON_FIELDS[index];
    if (!field.split(',').every((item) => cronItemIsValid(item, rule))) {
      return `cron "${cron}": the ${rule.name} field "${field}" is not valid (values ${rule.min}-${rule.max}, *, ranges a-b, steps /n, lists a,b)`;
    }
  }
  return undefined;
}

function cronItemIsValid(item: string, rule: (typeof CRON_FIELDS)[number]): boolean {
  const [range, step, ...rest] = item.split('/');
  if (rest.length > 0 || (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0))) return false;
  if (range === '*') return true;
  const bounds = range.split('-');
  if (bounds.length > 2) return false;
  const values = bounds.map((bound) => cronValue(bound, rule));
  if (values.some((value) => value === undefined)) return false;
  return values.length === 1 || values[0]! <= values[1]!;
}

function cronValue(text: string, rule: (typeof CRON_FIELDS)[number]): number | undefined {
  if ('names' in rule) {
    const named = (rule.names as readonly string[]).indexOf(text);
    if (named >= 0) return named + rule.firstNameValue;
  }
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= rule.min && value <= rule.max ? value : undefined;
}
