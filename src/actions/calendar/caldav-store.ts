// A CalDAV calendar collection (Radicale, Nextcloud, Fastmail, iCloud) through tsdav's low-level calls,
// with explicit URLs and Basic auth headers: no discovery, the config names the collection.
import { createHash } from 'node:crypto';
import { createObject, deleteObject, fetchCalendarObjects, updateObject } from 'tsdav';
import { RunFailedError } from '../../errors.js';
import type { CalendarStore, TimeRange } from './calendar-store.js';
import type { CalendarEvent } from './event-input.js';
import { eventDocument, listedEvent, overlaps, parseCalendar, type ListedEvent } from './ical-event.js';
import { caldavFetch } from './caldav-fetch.js';

export interface CaldavOptions {
  collection: string;
  /** e.g. { Authorization: 'Basic …' }; never put in an output or a message */
  authHeaders: Record<string, string>;
  credentialNames: string[];
  signal?: AbortSignal;
}

interface StoredObject {
  url: string;
  etag?: string;
}

export function caldavStore(options: CaldavOptions): CalendarStore {
  const collection = options.collection.endsWith('/') ? options.collection : `${options.collection}/`;
  const common = { headers: options.authHeaders, fetch: caldavFetch({ ...options, collection }) };
  const calendar = { url: collection };
  // some servers name objects without .ics; the collection itself is the only entry ending in /
  const urlFilter = (url: string) => !url.endsWith('/');

  const fetchObjects = (filters: unknown, timeRange?: { start: string; end: string }) =>
    fetchCalendarObjects({ calendar, filters: filters as never, timeRange, urlFilter, ...common });

  const find = async (uid: string): Promise<StoredObject | undefined> => {
    // the server narrows by uid (text-match is a substring match), we check the exact uid after parsing
    const objects = await fetchObjects([uidFilter(uid)]);
    const match = objects.find((object) => typeof object.data === 'string' && uidsIn(object.data).includes(uid));
    return match ? { url: new URL(match.url, collection).href, etag: match.etag } : undefined;
  };

  const check = (response: Response, what: string, url: string) => {
    if (!response.ok) {
      throw new RunFailedError(`calendar: ${what} ${url} returned HTTP ${response.status}`, {
        hint: response.status === 412 ? 'the event changed on the server meanwhile: run the step again' : 'check the calendar server',
      });
    }
  };

  return {
    async upsert(event: CalendarEvent) {
      const data = eventDocument(event);
      const headers = { ...options.authHeaders, 'Content-Type': 'text/calendar; charset=utf-8' };
      const existing = await find(event.uid);
      if (existing) {
        const response = await updateObject({ url: existing.url, data, etag: existing.etag, headers, fetch: common.fetch });
        check(response, 'PUT', existing.url);
        return { created: false, url: existing.url };
      }
      const url = new URL(`${objectName(event.uid)}.ics`, collection).href;
      // If-None-Match: never overwrite an object someone else created at this name meanwhile
      const response = await createObject({ url, data, headers: { ...headers, 'If-None-Match': '*' }, fetch: common.fetch });
      check(response, 'PUT', url);
      return { created: true, url };
    },
    async remove(uid: string) {
      const existing = await find(uid);
      if (!existing) return { deleted: false };
      const response = await deleteObject({ url: existing.url, etag: existing.etag, ...common });
      if (response.status !== 404) check(response, 'DELETE', existing.url);
      return { deleted: true, url: existing.url };
    },
    async list(range: TimeRange): Promise<ListedEvent[]> {
      const bounded = range.fromMs !== undefined || range.toMs !== undefined;
      const timeRange = bounded
        ? { start: new Date(range.fromMs ?? 0).toISOString(), end: new Date(range.toMs ?? Date.UTC(9999, 0, 1)).toISOString() }
        : undefined;
      const objects = await fetchObjects(undefined, timeRange);
      const events: ListedEvent[] = [];
      for (const object of objects) {
        if (typeof object.data !== 'string') continue;
        const url = new URL(object.url, collection).href;
        for (const component of parseCalendar(object.data).getAllSubcomponents('vevent')) events.push(listedEvent(component, url));
      }
      // servers differ at the edges of a time range; apply the same rule as the .ics target
      return events.filter((event) => overlaps(event, range.fromMs, range.toMs));
    },
  };
}

function uidFilter(uid: string) {
  return {
    'comp-filter': {
      _attributes: { name: 'VCALENDAR' },
      'comp-filter': {
        _attributes: { name: 'VEVENT' },
        'prop-filter': { _attributes: { name: 'UID' }, 'text-match': { _attributes: { collation: 'i;octet' }, _text: uid } },
      },
    },
  };
}

function uidsIn(data: string): string[] {
  return parseCalendar(data)
    .getAllSubcomponents('vevent')
    .map((component) => String(component.getFirstPropertyValue('uid')));
}

/** The resource name of a new event: the uid when it is plainly safe in a URL, else its sha256. */
function objectName(uid: string): string {
  if (/^[A-Za-z0-9._-]{1,200}(@[A-Za-z0-9._-]{1,100})?$/.test(uid)) return encodeURIComponent(uid);
  return createHash('sha256').update(uid).digest('hex');
}
