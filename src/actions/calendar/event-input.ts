// The `event` of a calendar step, checked and normalised. Skills usually pass an LLM's output through
// `event: "{{json steps.extract}}"`, so a JSON string is accepted as well as an object.
import { BadInputError } from '../../errors.js';
import { checkTimeZone } from './local-time.js';
import { parseEventTime, startMs, type EventTime } from './event-time.js';
import { deriveUid } from './event-uid.js';

export interface CalendarEvent {
  uid: string;
  title: string;
  start: EventTime;
  end: EventTime;
  location?: string;
  description?: string;
}

const FIELD = 'calendar.event';

/** The full event an upsert writes. */
export function readEvent(raw: unknown, defaultTimeZone: string): CalendarEvent {
  const fields = eventObject(raw);
  const timeZone = readTimeZone(fields, defaultTimeZone);
  const title = requiredText(fields, 'title');
  for (const name of ['start', 'end']) if (fields[name] === undefined || fields[name] === null) throw missing(name);
  const start = parseEventTime(fields.start, timeZone, `${FIELD}.start`);
  let end = parseEventTime(fields.end, timeZone, `${FIELD}.end`);
  if (start.kind !== end.kind) {
    throw new BadInputError('start and end must both be dates (all day) or both be times', {
      place: { field: FIELD },
      hint: 'give both as YYYY-MM-DD, or both with a time of day',
    });
  }
  // iCalendar's DTEND of an all-day event is exclusive: "from 1 May to 1 May" means the one day
  if (start.kind === 'date' && end.kind === 'date' && end.date === start.date) end = { kind: 'date', date: nextDay(start.date) };
  if (startMs(end) < startMs(start)) {
    throw new BadInputError('the event ends before it starts', { place: { field: `${FIELD}.end` }, hint: 'check the end date and time' });
  }
  return {
    uid: optionalText(fields, 'uid') ?? deriveUid(title, start),
    title,
    start,
    end,
    location: optionalText(fields, 'location'),
    description: optionalText(fields, 'description'),
  };
}

/** The uid a delete removes: the given one, or the one an upsert of the same title and start derived. */
export function readEventUid(raw: unknown, defaultTimeZone: string): string {
  const fields = eventObject(raw);
  const uid = optionalText(fields, 'uid');
  if (uid) return uid;
  const timeZone = readTimeZone(fields, defaultTimeZone);
  if (fields.start === undefined || fields.start === null) throw missing('start', 'or give the uid of the event to delete');
  return deriveUid(requiredText(fields, 'title'), parseEventTime(fields.start, timeZone, `${FIELD}.start`));
}

function eventObject(raw: unknown): Record<string, unknown> {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new BadInputError('event is a string that is not JSON', {
        place: { field: FIELD },
        hint: 'write the event as a mapping, or pass an earlier step\'s output with "{{json steps.<id>}}"',
      });
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadInputError('event must be an object with title, start and end', { place: { field: FIELD }, hint: 'add event: { title, start, end }' });
  }
  return value as Record<string, unknown>;
}

function readTimeZone(fields: Record<string, unknown>, defaultTimeZone: string): string {
  const timeZone = optionalText(fields, 'timezone') ?? defaultTimeZone;
  checkTimeZone(timeZone, fields.timezone ? `${FIELD}.timezone` : 'timezone');
  return timeZone;
}

function requiredText(fields: Record<string, unknown>, name: string): string {
  const value = optionalText(fields, name);
  if (!value) throw missing(name);
  return value;
}

/** LLMs write null or "" for an optional field they have nothing for: both mean absent. */
function optionalText(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new BadInputError(`${name} must be a string`, { place: { field: `${FIELD}.${name}` }, hint: `give ${name} as text` });
  }
  return value.trim() || undefined;
}

function missing(name: string, extra = ''): BadInputError {
  return new BadInputError(`event has no ${name}`, { place: { field: `${FIELD}.${name}` }, hint: `add ${name} to the event ${extra}`.trim() });
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
