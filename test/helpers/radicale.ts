// A real Radicale CalDAV server for tests: 127.0.0.1, a port the OS picks, a temporary storage folder,
// htpasswd (plain) auth with one user. Starting it fails loudly: calendar tests must not pass without it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import type { CalendarTarget, Config } from '../../src/types.js';

export interface RadicaleServer {
  origin: string;
  username: string;
  password: string;
  /** Creates a calendar collection for the user and returns its URL (ending in /). */
  makeCalendar(name: string): Promise<string>;
  /** Basic auth header for the user, for raw requests in tests. */
  authorization: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

export async function startRadicale(): Promise<RadicaleServer> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-radicale-'));
  const username = 'alice';
  const password = 'wonder-land-7';
  fs.writeFileSync(path.join(folder, 'users'), `${username}:${password}\n`);
  const args = [
    '--config', '', // ignore /etc/radicale/config
    '--server-hosts', '127.0.0.1:0',
    '--storage-filesystem-folder', path.join(folder, 'collections'),
    '--auth-type', 'htpasswd',
    '--auth-htpasswd-filename', path.join(folder, 'users'),
    '--auth-htpasswd-encryption', 'plain',
    '--auth-delay', '0',
    '--rights-type', 'owner_only',
    '--logging-level', 'info',
  ];
  let child: ChildProcess;
  try {
    child = spawn('radicale', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw notStarted(`spawn failed: ${(error as Error).message}`);
  }
  const port = await waitForPort(child);
  const origin = `http://127.0.0.1:${port}`;
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(folder, { recursive: true, force: true });
  };
  const makeCalendar = async (name: string) => {
    const url = `${origin}/${username}/${name}/`;
    const body = `<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:set><D:prop><D:displayname>${name}</D:displayname></D:prop></D:set>
</C:mkcalendar>`;
    const response = await request(url, { method: 'MKCALENDAR' as never, headers: { authorization, 'content-type': 'application/xml' }, body });
    const text = await response.body.text();
    if (response.statusCode !== 201) throw new Error(`MKCALENDAR ${url} returned ${response.statusCode}: ${text}`);
    return url;
  };
  return { origin, username, password, authorization, makeCalendar, stop };
}

/** Radicale logs "Listening on '[127.0.0.1]:PORT'" once bound, then "Radicale server ready". */
function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let log = '';
    let port: number | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(notStarted(`no "server ready" within ${START_TIMEOUT_MS} ms; log:\n${log}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      port ??= Number(/Listening on '\[?127\.0\.0\.1\]?:(\d+)'/.exec(log)?.[1]) || undefined;
      if (port && /server ready/i.test(log)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(port);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(notStarted(`${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(notStarted(`it exited with code ${code}; log:\n${log}`));
    });
  });
}

function notStarted(detail: string): Error {
  return new Error(`cannot start Radicale (install it: apt-get update && apt-get install -y radicale): ${detail}`);
}

// Read iCalendar text without portai's code or ical.js: unfold lines and pick VEVENT properties,
// so tests check what a real client would see, independently of the code under test.
export interface RawEvent {
  uid?: string;
  summary?: string;
  dtstart?: string;
  dtend?: string;
  location?: string;
  description?: string;
}

export function rawEvents(text: string): RawEvent[] {
  const lines = text.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  const events: RawEvent[] = [];
  let current: RawEvent | undefined;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT' && current) {
      events.push(current);
      current = undefined;
    } else if (current) {
      const match = /^([A-Z-]+)(;[^:]*)?:(.*)$/.exec(line);
      if (!match) continue;
      const [, name, parameters, value] = match;
      const key = name.toLowerCase() as keyof RawEvent;
      if (['uid', 'summary', 'dtstart', 'dtend', 'location', 'description'].includes(key)) current[key] = (parameters ?? '') + ':' + value;
    }
  }
  // strip the leading ':' when there were no parameters, keep ';VALUE=DATE:…' visible otherwise
  return events.map((event) => Object.fromEntries(Object.entries(event).map(([key, value]) => [key, value?.startsWith(':') ? value.slice(1) : value])));
}

/** A Config with just what action steps read (calendars and the file it came from). */
export function configWithCalendars(calendars: Record<string, CalendarTarget>, file: string | null = null): Config {
  return {
    file,
    skills_dirs: [],
    defaults: { privacy: 'private' },
    budget: { usd_per_day: 0 },
    providers: {},
    routes: [],
    retry: { max_wait_seconds: 60 },
    calendars,
    serve: { models: {} },
  };
}

/** GET a calendar collection as one iCalendar text (Radicale serves the whole collection on GET). */
export async function fetchCollection(url: string, authorization: string): Promise<string> {
  const response = await request(url, { headers: { authorization } });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`GET ${url} returned ${response.statusCode}: ${text}`);
  return text;
}
