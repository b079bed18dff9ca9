import { addWorkingTime, nextWorkingMoment, siteWorkingCalendar, type WorkingCalendar } from '../../core/calendar';
import { mergeSiteRules } from '../../core/rules/merge';
import { demoSiteRuleFile, globalRuleFile } from '../support/rule-files';

const paris: WorkingCalendar = {
  timeZone: 'Europe/Paris',
  workingDays: [1, 2, 3, 4, 5],
  workingHours: { start: '09:00', end: '18:00' },
  holidays: ['2026-12-25'],
};

/** Instants written with their offset, so each test reads as Paris wall time. */
const at = (text: string) => new Date(text);

describe('addWorkingTime in working days', () => {
  it.each([
    ['skips the weekend', '2026-11-13T10:00+01:00', 'P1D', '2026-11-16T10:00+01:00'],
    ['counts P2D from Thursday to Monday', '2026-11-12T10:00+01:00', 'P2D', '2026-11-16T10:00+01:00'],
    ['skips a holiday and the weekend after it', '2026-12-24T15:00+01:00', 'P1D', '2026-12-28T15:00+01:00'],
    ['counts from the next opening when started on a Saturday', '2026-11-14T11:00+01:00', 'P1D', '2026-11-17T09:00+01:00'],
    ['counts from the next opening when started after closing', '2026-11-13T20:00+01:00', 'P1D', '2026-11-17T09:00+01:00'],
    ['counts a week as five working days', '2026-11-16T10:00+01:00', 'P1W', '2026-11-23T10:00+01:00'],
    ['applies days before hours', '2026-11-13T17:00+01:00', 'P1DT2H', '2026-11-17T10:00+01:00'],
  ])('%s', (_case, start, duration, end) => {
    expect(addWorkingTime(at(start), duration, paris)).toEqual(at(end));
  });

  it('keeps the local time of day across the end of summer time in Paris', () => {
    // Sunday 25 October 2026 the clocks go back: Friday 10:00 is 08:00Z, Monday 10:00 is 09:00Z
    expect(addWorkingTime(at('2026-10-23T10:00+02:00'), 'P1D', paris).toISOString()).toBe('2026-10-26T09:00:00.000Z');
  });

  it('keeps the local time of day across the start of summer time in Paris', () => {
    expect(addWorkingTime(at('2026-03-27T10:00+01:00'), 'P1D', paris).toISOString()).toBe('2026-03-30T08:00:00.000Z');
  });
});

describe('addWorkingTime in working hours', () => {
  it.each([
    ['PT8H from Friday 16:00 ends Monday 15:00, not Saturday', '2026-11-13T16:00+01:00', 'PT8H', '2026-11-16T15:00+01:00'],
    ['PT30M before opening counts from the opening', '2026-11-16T07:30+01:00', 'PT30M', '2026-11-16T09:30+01:00'],
    ['PT30M on a Friday evening ends Monday morning', '2026-11-13T20:00+01:00', 'PT30M', '2026-11-16T09:30+01:00'],
    ['a span that fills the day ends at closing time', '2026-11-16T09:00+01:00', 'PT9H', '2026-11-16T18:00+01:00'],
    ['PT8H over a holiday', '2026-12-24T14:00+01:00', 'PT8H', '2026-12-28T13:00+01:00'],
  ])('%s', (_case, start, duration, end) => {
    expect(addWorkingTime(at(start), duration, paris)).toEqual(at(end));
  });

  it('counts PT8H over the end of summer time in wall-clock working hours', () => {
    expect(addWorkingTime(at('2026-10-23T16:00+02:00'), 'PT8H', paris)).toEqual(at('2026-10-26T15:00+01:00'));
  });

  it('reads the calendar in its own time zone', () => {
    const newYork = { ...paris, timeZone: 'America/New_York' };
    expect(addWorkingTime(at('2026-11-13T16:00-05:00'), 'PT8H', newYork)).toEqual(at('2026-11-16T15:00-05:00'));
  });
});

describe('the working calendar', () => {
  it('counts a week as the working days of a week', () => {
    const store = { ...paris, workingDays: [1, 2, 3, 4, 5, 6] };
    expect(addWorkingTime(at('2026-11-14T10:00+01:00'), 'P1W', store)).toEqual(at('2026-11-21T10:00+01:00'));
  });

  it('finds the next working moment', () => {
    expect(nextWorkingMoment(at('2026-11-16T11:15+01:00'), paris)).toEqual(at('2026-11-16T11:15+01:00'));
    expect(nextWorkingMoment(at('2026-11-14T11:15+01:00'), paris)).toEqual(at('2026-11-16T09:00+01:00'));
  });

  it('refuses a calendar with no working day, and durations it cannot count', () => {
    expect(() => addWorkingTime(at('2026-11-16T10:00+01:00'), 'P1D', { ...paris, workingDays: [] })).toThrow(/no working day/);
    expect(() => addWorkingTime(at('2026-11-16T10:00+01:00'), 'P1M', paris)).toThrow(/years or months/);
    expect(() => addWorkingTime(at('2026-11-16T10:00+01:00'), 'two days', paris)).toThrow(/not an ISO 8601 duration/);
  });

  it('comes from the site rules: Munich keeps German holidays and plant hours', () => {
    const munich = siteWorkingCalendar(mergeSiteRules(globalRuleFile(), demoSiteRuleFile('de-munich-plant')));
    expect(munich.timeZone).toBe('Europe/Berlin');
    // Wednesday 6 January 2027 (Epiphany) is a holiday in Bavaria, not in France
    expect(addWorkingTime(at('2027-01-05T08:00+01:00'), 'P1D', munich)).toEqual(at('2027-01-07T08:00+01:00'));
    expect(nextWorkingMoment(at('2027-01-05T06:30+01:00'), munich)).toEqual(at('2027-01-05T07:00+01:00'));
  });
});
