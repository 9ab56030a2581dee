// Read the times an event is given in: ISO 8601 with an offset (an instant), local without an offset
// (wall-clock time in the event's time zone), or a bare date (an all-day event).
import { BadInputError } from '../../errors.js';
import { wallTimeToInstant, type WallTime } from './local-time.js';

export type EventTime =
  | { kind: 'instant'; epochMs: number }
  /** all-day: YYYY-MM-DD */
  | { kind: 'date'; date: string };

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

export function parseEventTime(text: unknown, timeZone: string, field: string): EventTime {
  const match = typeof text === 'string' ? PATTERN.exec(text.trim()) : null;
  if (!match) {
    throw new BadInputError(`${JSON.stringify(text)} is not an ISO 8601 date or time`, {
      place: { field },
      hint: 'write e.g. 2026-05-01T15:00:00+01:00, 2026-05-01T15:00 (local time) or 2026-05-01 (all day)',
    });
  }
  const [, year, month, day, hour, minute, second, offset] = match;
  const wall: WallTime = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
  };
  if (!isRealWallTime(wall)) {
    throw new BadInputError(`${JSON.stringify(text)} is not a real date or time`, { place: { field }, hint: 'check the month, day and hour' });
  }
  if (hour === undefined) return { kind: 'date', date: `${year}-${month}-${day}` };
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  if (offset !== undefined) return { kind: 'instant', epochMs: wallAsUtc - offsetMs(offset) };
  return { kind: 'instant', epochMs: wallTimeToInstant(wall, timeZone, field) };
}

/** ISO 8601 UTC for instants, YYYY-MM-DD for dates: the form outputs and uids use. */
export function formatEventTime(time: EventTime): string {
  return time.kind === 'date' ? time.date : new Date(time.epochMs).toISOString().replace('.000Z', 'Z');
}

/** Where the time starts, for ordering and range filters; an all-day date counts from 00:00 UTC. */
export function startMs(time: EventTime): number {
  return time.kind === 'date' ? Date.parse(`${time.date}T00:00:00Z`) : time.epochMs;
}

function offsetMs(offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const digits = offset.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
}

function isRealWallTime(wall: WallTime): boolean {
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second));
  return (
    date.getUTCFullYear() === wall.year &&
    date.getUTCMonth() === wall.month - 1 &&
    date.getUTCDate() === wall.day &&
    date.getUTCHours() === wall.hour &&
    date.getUTCMinutes() === wall.minute &&
    date.getUTCSeconds() === wall.second
  );
}
