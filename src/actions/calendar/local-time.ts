// Turn a wall-clock time in an IANA time zone into an instant, getting daylight-saving changes right.
// Node has no Temporal yet, so the zone's offset is read from Intl, which carries the tz database.
import { BadInputError } from '../../errors.js';
import { formatter as formatterFor } from '../../router/zoned-time.js';

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Throws BadInputError when the name is not a time zone Intl knows. */
export function checkTimeZone(timeZone: string, field: string): void {
  try {
    formatterFor(timeZone);
  } catch {
    throw new BadInputError(`unknown time zone '${timeZone}'`, {
      place: { field },
      hint: 'use an IANA time zone name such as Europe/London or America/New_York',
    });
  }
}

/** Offset of the zone from UTC at an instant, in milliseconds (BST: +3600000). */
export function offsetAt(timeZone: string, epochMs: number): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'), value('second'));
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant at which the clocks in `timeZone` show `wall`.
 * A wall time inside a spring-forward gap does not exist: that is a BadInputError, because silently
 * moving a meeting by an hour is worse than asking. A wall time in the autumn fall-back hour happens
 * twice: we pick the FIRST occurrence (the earlier instant, still on summer time), as RFC 5545 §3.3.5
 * and Temporal's "compatible" disambiguation do.
 */
export function wallTimeToInstant(wall: WallTime, timeZone: string, field: string): number {
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  // the zone's offset a day either side covers both offsets around any change
  const offsets = new Set([offsetAt(timeZone, wallAsUtc - 86_400_000), offsetAt(timeZone, wallAsUtc), offsetAt(timeZone, wallAsUtc + 86_400_000)]);
  const matches = [...offsets].map((offset) => wallAsUtc - offset).filter((instant) => instant + offsetAt(timeZone, instant) === wallAsUtc);
  if (matches.length === 0) {
    throw new BadInputError(`${formatWall(wall)} does not exist in ${timeZone} (the clocks skip that hour for daylight saving)`, {
      place: { field },
      hint: 'give a time outside the skipped hour, or an ISO 8601 time with an explicit offset',
    });
  }
  return Math.min(...matches);
}

function formatWall(wall: WallTime): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}`;
}
