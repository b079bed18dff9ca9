import { parseIsoDuration } from './rules/duration';
import type { CalendarRules, SiteRules } from './rules/types';

/** A working calendar read in one IANA time zone. */
export interface WorkingCalendar extends CalendarRules {
  timeZone: string;
}

/** The site's calendar in the site's time zone. */
export function siteWorkingCalendar(rules: Pick<SiteRules, 'site' | 'calendar'>): WorkingCalendar {
  return { timeZone: rules.site.timeZone, ...rules.calendar };
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Longest run of non-working days searched before the calendar is declared unworkable. */
const MAX_DAYS_WITHOUT_WORK = 366;

/**
 * The moment a duration after `start` ends, counted on the working calendar:
 * - days (PnD) count working days: the same local time of day on the n-th following working day;
 * - weeks (PnW) count as many working days as the calendar has in a week (5 on Monday to Friday);
 * - hours, minutes and seconds count working time only: PT8H from Friday 16:00 on a 09:00-18:00
 *   calendar ends Monday 15:00; a span that ends exactly at closing time ends then, not next morning.
 * A start outside working hours counts from the next working-hours start. Days apply before time
 * (P1DT2H is one working day, then two working hours). Years and months have no working-calendar
 * meaning and are refused. Working time is wall-clock time: a DST change falls outside working
 * hours in practice, and local dates and times are converted to instants for the site's time zone.
 */
export function addWorkingTime(start: Date, duration: string, calendar: WorkingCalendar): Date {
  const problem = workingDurationProblem(duration);
  if (problem) throw new Error(problem);
  const parts = parseIsoDuration(duration)!;
  const workingCalendar = prepare(calendar);
  const workingDays = parts.days + parts.weeks * calendar.workingDays.length;
  const workingMilliseconds = ((parts.hours * 60 + parts.minutes) * 60 + parts.seconds) * 1000;
  const afterDays = addWorkingDays(workingCalendar, nextWorkingWallTime(workingCalendar, toWallTime(start, calendar.timeZone)), workingDays);
  return toInstant(addWorkingMilliseconds(workingCalendar, afterDays, workingMilliseconds), calendar.timeZone);
}

/** Why a duration cannot be counted on a working calendar, or undefined when it can. */
export function workingDurationProblem(duration: string): string | undefined {
  const parts = parseIsoDuration(duration);
  if (!parts) return `"${duration}" is not an ISO 8601 duration such as P2D or PT8H`;
  // a working calendar has working days and hours, but no working months or years
  if (parts.years > 0 || parts.months > 0) return `"${duration}" uses years or months: write it in days, weeks or hours, e.g. P20D`;
  return undefined;
}

/** `date` itself when it falls within working hours, otherwise the next working-hours start. */
export function nextWorkingMoment(date: Date, calendar: WorkingCalendar): Date {
  const wallTime = nextWorkingWallTime(prepare(calendar), toWallTime(date, calendar.timeZone));
  return toInstant(wallTime, calendar.timeZone);
}

/* Local wall time is kept as milliseconds since 1970-01-01T00:00 of the local calendar (a UTC
 * timestamp read as local time), so day arithmetic never meets a DST change. */
type WallTime = number;

interface PreparedCalendar {
  workingDays: Set<number>;
  holidays: Set<string>;
  /** milliseconds after local midnight */
  opens: number;
  closes: number;
}

function prepare(calendar: WorkingCalendar): PreparedCalendar {
  if (calendar.workingDays.length === 0) throw new Error('the working calendar has no working day: list at least one in calendar.workingDays');
  const opens = timeOfDay(calendar.workingHours.start);
  const closes = timeOfDay(calendar.workingHours.end);
  if (opens >= closes) {
    throw new Error(`working hours start ${calendar.workingHours.start} is not before their end ${calendar.workingHours.end}`);
  }
  return { workingDays: new Set(calendar.workingDays), holidays: new Set(calendar.holidays), opens, closes };
}

function timeOfDay(text: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw new Error(`working hours "${text}" must be a time of day such as 09:00`);
  return (Number(match[1]) * 60 + Number(match[2])) * MINUTE;
}

function isWorkingDay(calendar: PreparedCalendar, wallTime: WallTime): boolean {
  const date = new Date(wallTime);
  const isoWeekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
  return calendar.workingDays.has(isoWeekday) && !calendar.holidays.has(date.toISOString().slice(0, 10));
}

function startOfDay(wallTime: WallTime): WallTime {
  return Math.floor(wallTime / DAY) * DAY;
}

/** The start of the first working day strictly after the day of `wallTime`. */
function nextWorkingDayStart(calendar: PreparedCalendar, wallTime: WallTime): WallTime {
  let day = startOfDay(wallTime);
  for (let searched = 0; searched < MAX_DAYS_WITHOUT_WORK; searched++) {
    day += DAY;
    if (isWorkingDay(calendar, day)) return day;
  }
  throw new Error(`the working calendar has no working day within ${MAX_DAYS_WITHOUT_WORK} days after ${new Date(wallTime).toISOString().slice(0, 10)}`);
}

function nextWorkingWallTime(calendar: PreparedCalendar, wallTime: WallTime): WallTime {
  const day = startOfDay(wallTime);
  if (isWorkingDay(calendar, day)) {
    if (wallTime < day + calendar.opens) return day + calendar.opens;
    if (wallTime < day + calendar.closes) return wallTime;
  }
  return nextWorkingDayStart(calendar, wallTime) + calendar.opens;
}

/** The same time of day on the n-th following working day; `wallTime` is within working hours. */
function addWorkingDays(calendar: PreparedCalendar, wallTime: WallTime, days: number): WallTime {
  let day = startOfDay(wallTime);
  for (let counted = 0; counted < days; counted++) day = nextWorkingDayStart(calendar, day);
  return day + (wallTime - startOfDay(wallTime));
}

function addWorkingMilliseconds(calendar: PreparedCalendar, wallTime: WallTime, milliseconds: number): WallTime {
  let cursor = wallTime;
  let remaining = milliseconds;
  for (;;) {
    cursor = nextWorkingWallTime(calendar, cursor);
    const closing = startOfDay(cursor) + calendar.closes;
    if (remaining <= closing - cursor) return cursor + remaining;
    remaining -= closing - cursor;
    cursor = closing;
  }
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  let format = wallClockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClockFormats.set(timeZone, format);
  }
  return format;
}

function toWallTime(instant: Date | number, timeZone: string): WallTime {
  const time = typeof instant === 'number' ? instant : instant.getTime();
  const parts = Object.fromEntries(
    wallClockFormat(timeZone)
      .formatToParts(time)
      .map((part) => [part.type, Number(part.value)]),
  );
  const milliseconds = ((time % 1000) + 1000) % 1000;
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, milliseconds);
}

/** The instant showing `wallTime` in the time zone. A wall time skipped by a DST change moves
 * forward by the change; one that happens twice takes the earlier instant. */
function toInstant(wallTime: WallTime, timeZone: string): Date {
  // the UTC offsets a day either side: at most one change lies between them
  const offsets = [wallTime - DAY, wallTime + DAY].map((probe) => toWallTime(probe, timeZone) - probe);
  const candidates = offsets.map((offset) => wallTime - offset).sort((a, b) => a - b);
  const exact = candidates.find((candidate) => toWallTime(candidate, timeZone) === wallTime);
  return new Date(exact ?? wallTime - offsets[0]);
}
