// The calendar step: upsert, delete or list events in a configured calendar.
import { BadInputError } from '../../errors.js';
import type { ActionContext } from '../index.js';
import { readEvent, readEventUid } from './event-input.js';
import { checkTimeZone, wallTimeToInstant } from './local-time.js';
import { parseEventTime } from './event-time.js';
import { openTarget } from './calendar-target.js';
import type { ListedEvent } from './ical-event.js';

export interface CalendarChange {
  action: 'upsert' | 'delete';
  target: string;
  uid: string;
  url?: string;
  /** upsert: no event with this uid existed before */
  created: boolean;
  /** delete: an event was there and is gone */
  deleted?: boolean;
}

const ACTIONS = ['upsert', 'delete', 'list'] as const;
const KNOWN_FIELDS = new Set(['target', 'action', 'event', 'from', 'to']);

export async function runCalendarAction(spec: Record<string, unknown>, context: ActionContext): Promise<CalendarChange | { events: ListedEvent[] }> {
  for (const key of Object.keys(spec)) {
    if (!KNOWN_FIELDS.has(key)) {
      throw new BadInputError(`unknown field '${key}'`, { place: { field: `calendar.${key}` }, hint: `a calendar step takes: ${[...KNOWN_FIELDS].join(', ')}` });
    }
  }
  const action = spec.action ?? 'upsert';
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
    throw new BadInputError(`unknown calendar action ${JSON.stringify(action)}`, { place: { field: 'calendar.action' }, hint: `use one of: ${ACTIONS.join(', ')}` });
  }
  const target = spec.target ?? 'default';
  if (typeof target !== 'string' || target === '') {
    throw new BadInputError('target must be the name of a calendar in the config', { place: { field: 'calendar.target' }, hint: 'e.g. target: default' });
  }
  checkTimeZone(context.timezone, 'timezone');
  if (action === 'list') {
    const store = openTarget(target, context);
    const range = { fromMs: boundOf(spec.from, 'from', context.timezone), toMs: boundOf(spec.to, 'to', context.timezone) };
    const events = await store.list(range);
    return { events: events.sort((left, right) => left.start.localeCompare(right.start)) };
  }
  if (spec.event === undefined) {
    throw new BadInputError(`a calendar ${action} needs an event`, { place: { field: 'calendar.event' }, hint: 'add event: { title, start, end }' });
  }
  if (action === 'upsert') {
    // read the event before touching the target, so a bad event never half-happens
    const event = readEvent(spec.event, context.timezone);
    const result = await openTarget(target, context).upsert(event);
    return withUrl({ action, target, uid: event.uid, created: result.created }, result.url);
  }
  const uid = readEventUid(spec.event, context.timezone);
  const result = await openTarget(target, context).remove(uid);
  return withUrl({ action: 'delete', target, uid, created: false, deleted: result.deleted }, result.url);
}

function boundOf(value: unknown, name: string, timeZone: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const field = `calendar.${name}`;
  const time = parseEventTime(value, timeZone, field);
  if (time.kind === 'instant') return time.epochMs;
  // a bare date bound means that day's local midnight
  const [year, month, day] = time.date.split('-').map(Number);
  return wallTimeToInstant({ year, month, day, hour: 0, minute: 0, second: 0 }, timeZone, field);
}

function withUrl(change: CalendarChange, url?: string): CalendarChange {
  return url ? { ...change, url } : change;
}
