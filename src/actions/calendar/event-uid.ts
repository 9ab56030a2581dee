// A stable uid for an event that has none, so the same request upserted twice stays one event.
import { createHash } from 'node:crypto';
import { formatEventTime, type EventTime } from './event-time.js';

/** sha256 of the normalised title and the start instant (UTC): "Dentist " at 15:00+01:00 and "dentist" at 14:00Z agree. */
export function deriveUid(title: string, start: EventTime): string {
  const normalisedTitle = title.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
  const hex = createHash('sha256').update(`${normalisedTitle}\n${formatEventTime(start)}`).digest('hex');
  return `${hex}@portai`;
}
