// iCalendar in and out, through ical.js. Events are written with DTSTART/DTEND in UTC (or as DATE
// for all-day events): no VTIMEZONE to ship, and every client shows the right local time.
import ICAL from 'ical.js';
import { formatEventTime, type EventTime } from './event-time.js';
import type { CalendarEvent } from './event-input.js';

/** What list returns for one event. */
export interface ListedEvent {
  uid: string;
  title: string;
  start: string;
  end: string;
  location?: string;
  description?: string;
  url?: string;
}

export function newCalendar(): ICAL.Component {
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.updatePropertyWithValue('prodid', '-//portai//calendar action//EN');
  calendar.updatePropertyWithValue('version', '2.0');
  return calendar;
}

export function eventComponent(event: CalendarEvent, now = new Date()): ICAL.Component {
  const component = new ICAL.Component('vevent');
  component.updatePropertyWithValue('uid', event.uid);
  component.updatePropertyWithValue('dtstamp', ICAL.Time.fromJSDate(now, true));
  component.updatePropertyWithValue('dtstart', toICalTime(event.start));
  component.updatePropertyWithValue('dtend', toICalTime(event.end));
  component.updatePropertyWithValue('summary', event.title);
  if (event.location) component.updatePropertyWithValue('location', event.location);
  if (event.description) component.updatePropertyWithValue('description', event.description);
  return component;
}

/** A whole iCalendar object holding one event: what a CalDAV server stores per resource. */
export function eventDocument(event: CalendarEvent): string {
  const calendar = newCalendar();
  calendar.addSubcomponent(eventComponent(event));
  return calendar.toString();
}

/** Parse an iCalendar text; its VTIMEZONEs are registered so TZID times written by other clients read right. */
export function parseCalendar(text: string): ICAL.Component {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return calendar;
}

export function listedEvent(component: ICAL.Component, url?: string): ListedEvent {
  const event = new ICAL.Event(component);
  const listed: ListedEvent = {
    uid: event.uid,
    title: event.summary ?? '',
    start: fromICalTime(event.startDate),
    end: fromICalTime(event.endDate ?? event.startDate),
  };
  if (event.location) listed.location = event.location;
  if (event.description) listed.description = event.description;
  if (url) listed.url = url;
  return listed;
}

/** Does the event overlap [from, to)? Either bound may be open. */
export function overlaps(event: ListedEvent, fromMs?: number, toMs?: number): boolean {
  const start = Date.parse(event.start.length === 10 ? `${event.start}T00:00:00Z` : event.start);
  const end = Date.parse(event.end.length === 10 ? `${event.end}T00:00:00Z` : event.end);
  return (toMs === undefined || start < toMs) && (fromMs === undefined || end > fromMs || (end === start && start >= fromMs));
}

function toICalTime(time: EventTime): ICAL.Time {
  return time.kind === 'date' ? ICAL.Time.fromDateString(time.date) : ICAL.Time.fromJSDate(new Date(time.epochMs), true);
}

function fromICalTime(time: ICAL.Time): string {
  if (time.isDate) return time.toString();
  return formatEventTime({ kind: 'instant', epochMs: time.toJSDate().getTime() });
}
