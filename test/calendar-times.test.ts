// Event times: offsets, local times in a zone, and the two daylight-saving edges.
import { describe, expect, it } from 'vitest';
import { readEvent, readEventUid } from '../src/actions/calendar/event-input.js';
import { formatEventTime } from '../src/actions/calendar/event-time.js';
import { BadInputError } from '../src/errors.js';

const utc = (event: ReturnType<typeof readEvent>) => [formatEventTime(event.start), formatEventTime(event.end)];

describe('event times', () => {
  it('reads local times in the run time zone, summer and winter', () => {
    expect(utc(readEvent({ title: 'a', start: '2026-07-01T15:00', end: '2026-07-01T16:30:00' }, 'Europe/London'))).toEqual(['2026-07-01T14:00:00Z', '2026-07-01T15:30:00Z']);
    expect(utc(readEvent({ title: 'a', start: '2026-01-15T15:00', end: '2026-01-15T16:00' }, 'Europe/London'))).toEqual(['2026-01-15T15:00:00Z', '2026-01-15T16:00:00Z']);
  });

  it("prefers the event's own timezone over the run's", () => {
    const event = readEvent({ title: 'a', start: '2026-07-01T15:00', end: '2026-07-01T16:00', timezone: 'America/New_York' }, 'Europe/London');
    expect(utc(event)).toEqual(['2026-07-01T19:00:00Z', '2026-07-01T20:00:00Z']);
  });

  it('keeps explicit offsets whatever the zone', () => {
    expect(utc(readEvent({ title: 'a', start: '2026-05-01T15:00:00+02:00', end: '2026-05-01T16:00:00Z' }, 'Asia/Tokyo'))).toEqual(['2026-05-01T13:00:00Z', '2026-05-01T16:00:00Z']);
  });

  it('refuses a local time in the spring-forward gap (Europe/London 2026-03-29 01:30)', () => {
    const attempt = () => readEvent({ title: 'a', start: '2026-03-29T01:30', end: '2026-03-29T03:00' }, 'Europe/London');
    expect(attempt).toThrow(BadInputError);
    expect(attempt).toThrow(/does not exist in Europe\/London/);
    // the minutes either side of the gap exist
    expect(utc(readEvent({ title: 'a', start: '2026-03-29T00:59', end: '2026-03-29T02:00' }, 'Europe/London'))).toEqual(['2026-03-29T00:59:00Z', '2026-03-29T01:00:00Z']);
  });

  it('takes the first occurrence of an ambiguous fall-back time (Europe/London 2026-10-25 01:30)', () => {
    const event = readEvent({ title: 'a', start: '2026-10-25T01:30', end: '2026-10-25T02:30' }, 'Europe/London');
    expect(utc(event)).toEqual(['2026-10-25T00:30:00Z', '2026-10-25T02:30:00Z']);
  });

  it('handles a zone whose change happens at another hour (America/New_York 2026-11-01 01:30)', () => {
    const event = readEvent({ title: 'a', start: '2026-11-01T01:30', end: '2026-11-01T03:00' }, 'America/New_York');
    expect(utc(event)).toEqual(['2026-11-01T05:30:00Z', '2026-11-01T08:00:00Z']);
    expect(() => readEvent({ title: 'a', start: '2026-03-08T02:30', end: '2026-03-08T04:00' }, 'America/New_York')).toThrow(/does not exist/);
  });

  it('reads all-day dates and makes a same-day end exclusive', () => {
    const event = readEvent({ title: 'a', start: '2026-05-01', end: '2026-05-01' }, 'Europe/London');
    expect(utc(event)).toEqual(['2026-05-01', '2026-05-02']);
  });

  it('refuses bad input with the field named', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['not json', /not JSON/],
      [{ start: '2026-05-01T10:00', end: '2026-05-01T11:00' }, /no title/],
      [{ title: 'a', start: '2026-05-01T10:00' }, /no end/],
      [{ title: 'a', start: '2026-02-30T10:00', end: '2026-03-01T11:00' }, /not a real date/],
      [{ title: 'a', start: 'tomorrow', end: '2026-05-01T11:00' }, /not an ISO 8601/],
      [{ title: 'a', start: '2026-05-01T11:00', end: '2026-05-01T10:00' }, /ends before it starts/],
      [{ title: 'a', start: '2026-05-01', end: '2026-05-01T10:00' }, /both be dates/],
      [{ title: 'a', start: '2026-05-01T10:00', end: '2026-05-01T11:00', timezone: 'Mars/Olympus' }, /unknown time zone/],
    ];
    for (const [input, message] of cases) {
      expect(() => readEvent(input, 'Europe/London')).toThrow(message);
    }
    const error = captured(() => readEvent({ title: 'a', start: 'tomorrow', end: 'x' }, 'Europe/London'));
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).userLines()[0]).toContain('calendar.event.start');
  });

  it('derives the same uid for the same title and instant, whatever the spelling', () => {
    const uid = readEventUid({ title: 'Dentist', start: '2026-07-01T15:00' }, 'Europe/London');
    expect(readEventUid({ title: '  DENTIST ', start: '2026-07-01T14:00:00Z' }, 'Asia/Tokyo')).toBe(uid);
    expect(readEventUid({ title: 'Dentist', start: '2026-07-01T15:01' }, 'Europe/London')).not.toBe(uid);
    expect(readEventUid({ title: 'Doctor', start: '2026-07-01T15:00' }, 'Europe/London')).not.toBe(uid);
    expect(readEventUid({ uid: 'given@x' }, 'Europe/London')).toBe('given@x');
  });
});

function captured(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
