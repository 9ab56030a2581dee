// The calendar action on a local .ics file: created when missing, other events kept, written atomically.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAction, type ActionContext } from '../src/actions/index.js';
import { configWithCalendars, rawEvents } from './helpers/radicale.js';

let folder: string;
let context: ActionContext;
let file: string;

beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-ics-'));
  file = path.join(folder, 'sub', 'calendar.ics');
  // a relative ics: path is relative to the config file's folder
  context = { config: configWithCalendars({ local: { ics: 'sub/calendar.ics' } }, path.join(folder, 'portai.yaml')), env: {}, timezone: 'Europe/London' };
});

afterEach(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

const OTHER_CALENDAR = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//someone else//EN', 'X-WR-CALNAME:Home',
  'BEGIN:VEVENT', 'UID:birthday@example.org', 'DTSTAMP:20250101T000000Z', 'DTSTART;VALUE=DATE:20260912', 'DTEND;VALUE=DATE:20260913',
  'SUMMARY:Birthday', 'RRULE:FREQ=YEARLY', 'X-CUSTOM:kept', 'END:VEVENT',
  'END:VCALENDAR', '',
].join('\r\n');

describe('calendar action on an .ics file', () => {
  it('creates the file and its folder when missing', async () => {
    const output = await runAction('calendar', { target: 'local', event: { title: 'Dentist', start: '2026-10-25T01:30', end: '2026-10-25T02:00' } }, context);
    expect(output).toMatchObject({ action: 'upsert', target: 'local', created: true });
    expect(output).not.toHaveProperty('url');
    const events = rawEvents(fs.readFileSync(file, 'utf8'));
    expect(events).toEqual([expect.objectContaining({ summary: 'Dentist', dtstart: '20261025T003000Z', dtend: '20261025T020000Z' })]);
  });

  it('keeps other events and calendar properties, and upserts idempotently', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, OTHER_CALENDAR);
    const event = { title: 'Dentist', start: '2026-07-03T15:00', end: '2026-07-03T16:00' };
    await runAction('calendar', { target: 'local', event }, context);
    const again = await runAction('calendar', { target: 'local', event: JSON.stringify({ ...event, description: 'second time' }) }, context);
    expect(again).toMatchObject({ created: false });
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('X-WR-CALNAME:Home');
    expect(text).toContain('RRULE:FREQ=YEARLY');
    expect(text).toContain('X-CUSTOM:kept');
    const events = rawEvents(text);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ uid: 'birthday@example.org', summary: 'Birthday', dtstart: ';VALUE=DATE:20260912' });
    expect(events[1]).toMatchObject({ summary: 'Dentist', dtstart: '20260703T140000Z', description: 'second time' });
    // no temporary file is left next to the calendar
    expect(fs.readdirSync(path.dirname(file))).toEqual(['calendar.ics']);
  });

  it('replaces by explicit uid, deletes, and lists', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, OTHER_CALENDAR);
    const replaced = await runAction('calendar', { target: 'local', event: { uid: 'birthday@example.org', title: 'Party', start: '2026-09-12T18:00', end: '2026-09-12T23:00' } }, context);
    expect(replaced).toMatchObject({ uid: 'birthday@example.org', created: false });
    await runAction('calendar', { target: 'local', event: { uid: 'x', title: 'Later', start: '2026-12-01T09:00', end: '2026-12-01T10:00' } }, context);
    const listed = (await runAction('calendar', { target: 'local', action: 'list', from: '2026-09-01T00:00:00Z' }, context)) as { events: Array<Record<string, unknown>> };
    expect(listed.events.map((event) => [event.uid, event.title, event.start])).toEqual([
      ['birthday@example.org', 'Party', '2026-09-12T17:00:00Z'],
      ['x', 'Later', '2026-12-01T09:00:00Z'],
    ]);
    const onlyDecember = (await runAction('calendar', { target: 'local', action: 'list', from: '2026-11-30', to: '2027-01-01' }, context)) as { events: unknown[] };
    expect(onlyDecember.events).toHaveLength(1);
    const deleted = await runAction('calendar', { target: 'local', action: 'delete', event: { uid: 'birthday@example.org' } }, context);
    expect(deleted).toMatchObject({ deleted: true });
    expect(rawEvents(fs.readFileSync(file, 'utf8')).map((event) => event.uid)).toEqual(['x']);
  });

  it('expands ~ to the home folder from the environment', async () => {
    const home = { ...context, config: configWithCalendars({ default: { ics: '~/cal/personal.ics' } }), env: { HOME: folder } };
    await runAction('calendar', { event: { title: 'a', start: '2026-07-03', end: '2026-07-04' } }, home);
    expect(rawEvents(fs.readFileSync(path.join(folder, 'cal', 'personal.ics'), 'utf8'))[0]).toMatchObject({ dtstart: ';VALUE=DATE:20260703' });
  });

  it('does not touch the file when the event is bad', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, OTHER_CALENDAR);
    await expect(runAction('calendar', { target: 'local', event: { title: 'a', start: '2026-03-29T01:30', end: '2026-03-29T03:00' } }, context)).rejects.toThrow(/does not exist/);
    expect(fs.readFileSync(file, 'utf8')).toBe(OTHER_CALENDAR);
  });
});
