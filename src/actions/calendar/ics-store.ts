// A local .ics file as a calendar: read it all, change one event, write it back atomically.
// Everything else in the file (other events, time zones, X- properties) is kept as parsed.
import fs from 'node:fs/promises';
import { BadInputError, RunFailedError } from '../../errors.js';
import type { CalendarStore, TimeRange } from './calendar-store.js';
import type { CalendarEvent } from './event-input.js';
import { eventComponent, listedEvent, newCalendar, overlaps, parseCalendar, type ListedEvent } from './ical-event.js';
import { writeFileAtomically } from './atomic-write.js';

export function icsStore(file: string, targetName: string): CalendarStore {
  const load = async () => {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return newCalendar();
      throw new RunFailedError(`cannot read ${file}: ${(error as Error).message}`, { place: { field: `calendars.${targetName}.ics` } });
    }
    if (text.trim() === '') return newCalendar();
    try {
      return parseCalendar(text);
    } catch (error) {
      throw new BadInputError(`${file} is not a valid iCalendar file: ${(error as Error).message}`, {
        place: { field: `calendars.${targetName}.ics` },
        hint: 'point ics: at an .ics file, or at a path that does not exist yet',
      });
    }
  };
  const eventsWith = (calendar: ReturnType<typeof newCalendar>, uid: string) =>
    calendar.getAllSubcomponents('vevent').filter((component) => component.getFirstPropertyValue('uid') === uid);

  return {
    async upsert(event: CalendarEvent) {
      const calendar = await load();
      // a recurring event's overrides share its uid: replacing the event replaces them all
      const existing = eventsWith(calendar, event.uid);
      for (const component of existing) calendar.removeSubcomponent(component);
      calendar.addSubcomponent(eventComponent(event));
      await writeFileAtomically(file, calendar.toString());
      return { created: existing.length === 0 };
    },
    async remove(uid: string) {
      const calendar = await load();
      const existing = eventsWith(calendar, uid);
      if (existing.length === 0) return { deleted: false };
      for (const component of existing) calendar.removeSubcomponent(component);
      await writeFileAtomically(file, calendar.toString());
      return { deleted: true };
    },
    async list(range: TimeRange): Promise<ListedEvent[]> {
      const calendar = await load();
      return calendar
        .getAllSubcomponents('vevent')
        .map((component) => listedEvent(component))
        .filter((event) => overlaps(event, range.fromMs, range.toMs));
    },
  };
}
