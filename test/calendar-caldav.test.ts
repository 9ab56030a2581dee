// The calendar action against a real Radicale server, read back with raw HTTP (not portai's code path).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type ActionContext } from '../src/actions/index.js';
import { BadInputError, RunFailedError } from '../src/errors.js';
import { configWithCalendars, fetchCollection, rawEvents, startRadicale, type RadicaleServer } from './helpers/radicale.js';

let server: RadicaleServer;

beforeAll(async () => {
  server = await startRadicale();
}, 30_000);

afterAll(async () => {
  await server?.stop();
});

async function contextFor(calendarName: string, env?: Record<string, string>): Promise<{ context: ActionContext; url: string }> {
  const url = await server.makeCalendar(calendarName);
  const config = configWithCalendars({ default: { caldav: url, username_env: 'CAL_USER', password_env: 'CAL_PASS' } });
  return { url, context: { config, env: env ?? { CAL_USER: server.username, CAL_PASS: server.password }, timezone: 'Europe/London' } };
}

const dentist = { title: 'Dentist', start: '2026-07-03T15:00', end: '2026-07-03T16:00', location: 'High Street 4' };

describe('calendar action on CalDAV (Radicale)', () => {
  it('upserts an event that reads back over CalDAV with UTC times', async () => {
    const { context, url } = await contextFor('upsert');
    const output = (await runAction('calendar', { action: 'upsert', event: dentist }, context)) as Record<string, unknown>;
    expect(output).toMatchObject({ action: 'upsert', target: 'default', created: true });
    expect(String(output.uid)).toMatch(/^[0-9a-f]{64}@portai$/);
    expect(String(output.url)).toContain(url);
    const events = rawEvents(await fetchCollection(url, server.authorization));
    expect(events).toHaveLength(1);
    // 15:00 British Summer Time is 14:00 UTC
    expect(events[0]).toMatchObject({ uid: output.uid, summary: 'Dentist', dtstart: '20260703T140000Z', dtend: '20260703T150000Z', location: 'High Street 4' });
  });

  it('accepts the event as a JSON string, as "{{json steps.extract}}" renders it', async () => {
    const { context, url } = await contextFor('json-string');
    await runAction('calendar', { event: JSON.stringify({ ...dentist, start: '2026-01-10T09:30:00+01:00', end: '2026-01-10T10:00:00+01:00' }) }, context);
    const events = rawEvents(await fetchCollection(url, server.authorization));
    expect(events.map((event) => event.dtstart)).toEqual(['20260110T083000Z']);
  });

  it('leaves one event when the same upsert runs twice', async () => {
    const { context, url } = await contextFor('twice');
    const first = (await runAction('calendar', { action: 'upsert', event: dentist }, context)) as Record<string, unknown>;
    const second = (await runAction('calendar', { action: 'upsert', event: { ...dentist, title: '  dentist ', location: 'Room 2' } }, context)) as Record<string, unknown>;
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.uid).toBe(first.uid);
    const events = rawEvents(await fetchCollection(url, server.authorization));
    expect(events).toHaveLength(1);
    expect(events[0].location).toBe('Room 2');
  });

  it('replaces an existing event that has an explicit uid, wherever it is stored', async () => {
    const { context, url } = await contextFor('explicit-uid');
    // an event another client created, under a resource name portai would not choose
    const foreign = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//other//EN', 'BEGIN:VEVENT', 'UID:meeting-42@example.org', 'DTSTAMP:20260101T000000Z',
      'DTSTART:20260801T090000Z', 'DTEND:20260801T100000Z', 'SUMMARY:Old title', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const { request } = await import('undici');
    const put = await request(`${url}some-other-name.ics`, { method: 'PUT', headers: { authorization: server.authorization, 'content-type': 'text/calendar' }, body: foreign });
    await put.body.text();
    expect(put.statusCode).toBe(201);
    const output = (await runAction('calendar', { event: { uid: 'meeting-42@example.org', title: 'New title', start: '2026-08-01T11:00', end: '2026-08-01T12:00' } }, context)) as Record<string, unknown>;
    expect(output).toMatchObject({ uid: 'meeting-42@example.org', created: false, url: `${url}some-other-name.ics` });
    const events = rawEvents(await fetchCollection(url, server.authorization));
    expect(events).toEqual([expect.objectContaining({ uid: 'meeting-42@example.org', summary: 'New title', dtstart: '20260801T100000Z' })]);
  });

  it('deletes by derived uid and by explicit uid, keeping other events', async () => {
    const { context, url } = await contextFor('delete');
    await runAction('calendar', { event: dentist }, context);
    await runAction('calendar', { event: { uid: 'keep-me', title: 'Keep', start: '2026-07-04T10:00', end: '2026-07-04T11:00' } }, context);
    await runAction('calendar', { event: { uid: 'drop-me', title: 'Drop', start: '2026-07-05T10:00', end: '2026-07-05T11:00' } }, context);
    const byTitle = (await runAction('calendar', { action: 'delete', event: { title: 'Dentist', start: dentist.start } }, context)) as Record<string, unknown>;
    const byUid = (await runAction('calendar', { action: 'delete', event: { uid: 'drop-me' } }, context)) as Record<string, unknown>;
    const missing = (await runAction('calendar', { action: 'delete', event: { uid: 'never-was' } }, context)) as Record<string, unknown>;
    expect([byTitle.deleted, byUid.deleted, missing.deleted]).toEqual([true, true, false]);
    expect(rawEvents(await fetchCollection(url, server.authorization)).map((event) => event.uid)).toEqual(['keep-me']);
  });

  it('lists events, optionally within from/to', async () => {
    const { context } = await contextFor('list');
    await runAction('calendar', { event: { uid: 'b', title: 'Second', start: '2026-07-10T10:00', end: '2026-07-10T11:00' } }, context);
    await runAction('calendar', { event: { uid: 'a', title: 'First', start: '2026-07-01T10:00', end: '2026-07-01T11:00', description: 'bring notes' } }, context);
    await runAction('calendar', { event: { uid: 'c', title: 'Holiday', start: '2026-07-20', end: '2026-07-21' } }, context);
    const all = (await runAction('calendar', { action: 'list' }, context)) as { events: Array<Record<string, unknown>> };
    expect(all.events.map((event) => event.uid)).toEqual(['a', 'b', 'c']);
    expect(all.events[0]).toMatchObject({ title: 'First', start: '2026-07-01T09:00:00Z', end: '2026-07-01T10:00:00Z', description: 'bring notes' });
    expect(all.events[2]).toMatchObject({ start: '2026-07-20', end: '2026-07-21' });
    const window = (await runAction('calendar', { action: 'list', from: '2026-07-05', to: '2026-07-15' }, context)) as { events: Array<Record<string, unknown>> };
    expect(window.events.map((event) => event.uid)).toEqual(['b']);
  });

  it('writes the fall-back hour (ambiguous) as its first occurrence', async () => {
    const { context, url } = await contextFor('dst');
    await runAction('calendar', { event: { title: 'Night shift', start: '2026-10-25T01:30', end: '2026-10-25T03:00' } }, context);
    const [event] = rawEvents(await fetchCollection(url, server.authorization));
    // 01:30 happens twice in London that night: first at 00:30Z (BST), again at 01:30Z (GMT)
    expect([event.dtstart, event.dtend]).toEqual(['20261025T003000Z', '20261025T030000Z']);
  });

  it('refuses wrong credentials without showing them', async () => {
    const { context } = await contextFor('wrong-password');
    const wrong = { ...context, env: { CAL_USER: server.username, CAL_PASS: 'not-the-password-123' } };
    const error = await runAction('calendar', { event: dentist }, wrong).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunFailedError);
    const text = (error as RunFailedError).userLines().join('\n');
    expect(text).toContain('refused the credentials');
    expect(text).toContain('CAL_PASS');
    expect(text).not.toContain('not-the-password-123');
  });

  it('names a missing credential variable and lists known targets', async () => {
    const { context } = await contextFor('env-missing');
    const noPassword = await runAction('calendar', { event: dentist }, { ...context, env: { CAL_USER: server.username } }).catch((caught: unknown) => caught);
    expect(noPassword).toBeInstanceOf(BadInputError);
    expect((noPassword as Error).message).toContain('CAL_PASS');
    const unknown = await runAction('calendar', { target: 'work', event: dentist }, context).catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(BadInputError);
    expect((unknown as BadInputError).userLines().join('\n')).toContain('use one of: default');
  });

  it('keeps the password out of every output', async () => {
    const { context } = await contextFor('no-secret');
    const outputs = [
      await runAction('calendar', { event: dentist }, context),
      await runAction('calendar', { action: 'list' }, context),
      await runAction('calendar', { action: 'delete', event: dentist }, context),
    ];
    const text = JSON.stringify(outputs);
    expect(text).not.toContain(server.password);
    expect(text).not.toContain(Buffer.from(`${server.username}:${server.password}`).toString('base64'));
  });
});
