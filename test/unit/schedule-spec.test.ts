import { cronProblem, isSpecProblem, parseScheduleSpec } from '../../core/schedule-spec';

describe('cron expressions of schedules', () => {
  it.each(['0 6 * * 1', '30 2 * * *', '*/15 0-6 1,15 jan-jun mon-fri', '0 6 1 1 *', '@daily', '@weekly', '  0 6 * * 1  '])('takes %p', (cron) => {
    expect(cronProblem(cron)).toBeUndefined();
  });

  it.each([
    ['0 25 * * 1', 'the hour field "25"'],
    ['61 * * * *', 'the minute field "61"'],
    ['0 6 32 * *', 'the day of month field "32"'],
    ['0 6 * 13 *', 'the month field "13"'],
    ['0 6 * * 8', 'the day of week field "8"'],
    ['0 6 * * 5-1', 'the day of week field "5-1"'],
    ['0 6 */0 * *', 'the day of month field "*/0"'],
    ['every monday', 'has 2 fields; it needs 5'],
    ['0 6 * * 1 Europe/Paris', 'has 6 fields; it needs 5'],
    ['@fortnightly', 'unknown macro'],
    ['', 'cron must be a cron expression'],
  ])('refuses %p, saying %p', (cron, saying) => {
    expect(cronProblem(cron)).toContain(saying);
  });

  it('refuses what is not a string', () => {
    expect(cronProblem(6)).toContain('cron must be a cron expression');
  });
});

describe('parseScheduleSpec', () => {
  it('reads a cron expression in a time zone', () => {
    expect(parseScheduleSpec({ cron: ' 0 6 * * 1 ', timeZone: 'Europe/Paris' })).toEqual({ cron: '0 6 * * 1', timeZone: 'Europe/Paris' });
  });

  it.each([
    ['P1D', 86_400_000],
    ['PT6H', 6 * 3_600_000],
    ['P1W', 7 * 86_400_000],
    ['PT1H30M', 90 * 60_000],
    ['1d', 86_400_000],
    ['12h', 12 * 3_600_000],
    ['2w', 14 * 86_400_000],
    ['90m', 90 * 60_000],
  ])('reads the interval %p as %p ms, kept as written', (interval, intervalMs) => {
    expect(parseScheduleSpec({ interval, timeZone: 'UTC' })).toEqual({ interval, intervalMs, timeZone: 'UTC' });
  });

  it.each([
    [{ cron: '0 6 * * 1', timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ cron: '0 6 * * 1', timeZone: '+02:00' }, 'timeZone'],
    [{ cron: '0 6 * * 1' }, 'timeZone'],
    [{ cron: '0 6 * * 1', interval: 'P1D', timeZone: 'UTC' }, 'cron'],
    [{ timeZone: 'UTC' }, 'cron'],
    [{ cron: '0 25 * * 1', timeZone: 'UTC' }, 'cron'],
    [{ interval: 'P1M', timeZone: 'UTC' }, 'interval'],
    [{ interval: 'P1Y', timeZone: 'UTC' }, 'interval'],
    [{ interval: '5m', timeZone: 'UTC' }, 'interval'],
    [{ interval: 'PT59M', timeZone: 'UTC' }, 'interval'],
    [{ interval: 'daily', timeZone: 'UTC' }, 'interval'],
    [{ interval: 24, timeZone: 'UTC' }, 'interval'],
  ])('refuses %p naming the field %p', (input, field) => {
    const result = parseScheduleSpec(input);
    expect(isSpecProblem(result) && result.field).toBe(field);
    expect(isSpecProblem(result) && result.message).toContain(field);
  });

  it('fills a change in from the current spec: a new zone keeps the timing, a new timing keeps the zone', () => {
    const current = { cron: '0 6 * * 1', timeZone: 'Europe/Paris' };
    expect(parseScheduleSpec({ timeZone: 'Europe/Berlin' }, current)).toEqual({ cron: '0 6 * * 1', timeZone: 'Europe/Berlin' });
    expect(parseScheduleSpec({ interval: 'P1W' }, current)).toEqual({ interval: 'P1W', intervalMs: 7 * 86_400_000, timeZone: 'Europe/Paris' });
  });
});
