/** ISO 8601 durations as the rule files write them (PnYnMnWnDTnHnMnS). */
export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const ISO_DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** The duration's parts, or undefined when the text is not an ISO 8601 duration. */
export function parseIsoDuration(text: string): IsoDuration | undefined {
  const match = ISO_DURATION.exec(text);
  // "P" and "PT" alone match the pattern but name no duration
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [years, months, weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return { years, months, weeks, days, hours, minutes, seconds };
}

const SECOND = 1000;
const DAY = 86_400 * SECOND;

/** Length in milliseconds, counting a month as 30 days and a year as 365: good for comparing
 * durations, not for calendar arithmetic. */
export function nominalMilliseconds(duration: IsoDuration): number {
  return (
    duration.years * 365 * DAY +
    duration.months * 30 * DAY +
    duration.weeks * 7 * DAY +
    duration.days * DAY +
    duration.hours * 3600 * SECOND +
    duration.minutes * 60 * SECOND +
    duration.seconds * SECOND
  );
}
