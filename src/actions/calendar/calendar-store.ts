// What a calendar target can do; one implementation per kind of target (CalDAV, a local .ics file).
import type { CalendarEvent } from './event-input.js';
import type { ListedEvent } from './ical-event.js';

export interface TimeRange {
  fromMs?: number;
  toMs?: number;
}

export interface CalendarStore {
  /** Writes the event, replacing any event with the same uid. created: no such event existed. */
  upsert(event: CalendarEvent): Promise<{ created: boolean; url?: string }>;
  remove(uid: string): Promise<{ deleted: boolean; url?: string }>;
  /** Events overlapping the range; recurring events are listed once, not expanded. */
  list(range: TimeRange): Promise<ListedEvent[]>;
}
