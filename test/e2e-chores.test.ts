// The two shipped chores end to end through the real CLI: calendar-update writes to a real Radicale calendar
// (read back over CalDAV independently), typefully-digest reads a loopback Typefully API v2.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from './fake-provider/server.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { fetchCollection, rawEvents, startRadicale, type RadicaleServer } from './helpers/radicale.js';

const LLM_KEY = 'sk-chores-llm-0a1b2c3d4e5f';
let provider: FakeProvider;
let radicale: RadicaleServer;
let workspace: Workspace;

beforeAll(async () => {
  provider = await startFakeProvider();
  radicale = await startRadicale();
}, 40_000);
afterAll(async () => {
  await provider.close();
  await radicale?.stop();
});
afterEach(() => {
  workspace?.cleanup();
  provider.reset();
});

function config(calendars: string): string {
  return `skills: ./skills
providers:
  local:
    preset: openai-compatible
    base_url: ${provider.url}/v1
    api_key_env: LOCAL_KEY
    billing: free
    models: [{ id: private-ok, trains_on_data: false }]
routes:
  - use: [local/*]
calendars:
${calendars}`;
}

const chatRequests = () => provider.requests.filter((request) => request.path.endsWith('/chat/completions'));

describe('calendar-update (shipped skill)', () => {
  it('extracts the event with today and the time zone in the prompt, upserts it into CalDAV, and twice leaves one event', async () => {
    const url = await radicale.makeCalendar('e2e-dentist');
    workspace = createWorkspace(config(`  default: { caldav: "${url}", username_env: CAL_USER, password_env: CAL_PASS }\n`), {}, { LOCAL_KEY: LLM_KEY, CAL_USER: radicale.username, CAL_PASS: radicale.password });
    const event = { title: 'Dentist', start: '2026-12-04T15:00:00+00:00', end: '2026-12-04T16:00:00+00:00' };
    provider.reply(() => ({ json: event }));
    const args = ['run', 'skill', 'calendar-update', '-i', 'request=dentist on Friday at 3pm for an hour', '--json'];
    const first = await workspace.run(args);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result.output).toMatchObject({ action: 'upsert', target: 'default', created: true });
    const prompt = (chatRequests()[0].body as { messages: Array<{ content: string }> }).messages.at(-1)?.content ?? '';
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
    expect(prompt).toContain(today);
    expect(prompt).toContain('Europe/London');
    expect(prompt).toContain('dentist on Friday at 3pm for an hour');

    const second = await workspace.run(args);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).output).toMatchObject({ created: false });
    const events = rawEvents(await fetchCollection(url, radicale.authorization));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ summary: 'Dentist', dtstart: '20261204T150000Z', dtend: '20261204T160000Z' });
    // the calendar password never reaches the ledger or the output
    for (const text of [first.stdout, second.stdout, workspace.ledgerBytes()]) expect(text).not.toContain(radicale.password);
  });

  it('writes to a local .ics target chosen with -i calendar, with local times across the spring clock change', async () => {
    workspace = createWorkspace(config('  local: { ics: ./calendar.ics }\n'), {}, { LOCAL_KEY: LLM_KEY });
    // the Monday after the UK clocks went forward: 09:00 BST (+01:00) is 08:00 UTC
    provider.reply(() => ({ json: { title: 'Standup', start: '2026-03-30T09:00:00+01:00', end: '2026-03-30T09:15:00+01:00' } }));
    const result = await workspace.run(['run', 'skill', 'calendar-update', '-i', 'request=standup monday 9am for 15 minutes', '-i', 'calendar=local']);
    expect(result.code).toBe(0);
    const ics = fs.readFileSync(path.join(workspace.dir, 'calendar.ics'), 'utf8');
    expect(ics).toContain('SUMMARY:Standup');
    expect(ics).toContain('DTSTART:20260330T080000Z');
  });

  it('an invalid extraction gets one repair request, and nothing is written when both fail', async () => {
    workspace = createWorkspace(config('  local: { ics: ./calendar.ics }\n'), {}, { LOCAL_KEY: LLM_KEY });
    provider.reply(() => ({ json: { title: 'No times' } }));
    const result = await workspace.run(['run', 'skill', 'calendar-update', '-i', 'request=something', '-i', 'calendar=local']);
    expect(result.code).toBe(1);
    expect(chatRequests()).toHaveLength(2);
    expect(fs.existsSync(path.join(workspace.dir, 'calendar.ics'))).toBe(false);
  });
});

describe('typefully-digest (shipped skill)', () => {
  it('finds the social set, fetches the published posts with the Bearer key, and summarises them', async () => {
    const TYPEFULLY_KEY = 'tf-secret-key-9f8e7d6c5b4a';
    const seen: Array<{ path: string; authorization?: string }> = [];
    const typefully = http.createServer((request, response) => {
      seen.push({ path: request.url ?? '', authorization: request.headers.authorization });
      response.setHeader('content-type', 'application/json');
      if (request.headers.authorization !== `Bearer ${TYPEFULLY_KEY}`) {
        response.statusCode = 401;
        response.end(JSON.stringify({ detail: 'Invalid API key' }));
      } else if (request.url === '/v2/social-sets') {
        response.end(JSON.stringify({ results: [{ id: 4242, username: 'ada', name: 'Ada' }], next: null }));
      } else if (request.url?.startsWith('/v2/social-sets/4242/drafts?')) {
        response.end(JSON.stringify({ results: [
          { id: 1, status: 'published', published_at: '2026-11-25T10:00:00Z', preview: 'Free models are great for chores' },
          { id: 2, status: 'published', published_at: '2026-11-24T10:00:00Z', preview: 'Never pay by surprise' },
        ], next: null }));
      } else {
        response.statusCode = 404;
        response.end('{}');
      }
    });
    await new Promise<void>((resolve) => typefully.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(typefully.address() as AddressInfo).port}`;
      workspace = createWorkspace(config('  {}\n').replace('calendars:\n  {}\n', ''), {}, { LOCAL_KEY: LLM_KEY, TYPEFULLY_API_KEY: TYPEFULLY_KEY });
      provider.reply((request) => ({ text: `Digest: ${request.lastUserText.includes('Never pay by surprise') ? 'two posts about free models and spend' : 'no posts seen'}` }));
      const result = await workspace.run(['run', 'skill', 'typefully-digest', '-i', `api_base=${origin}`, '-i', 'limit=2', '--json']);
      expect(result.code).toBe(0);
      const parsed = JSON.parse(result.stdout);
      expect(parsed.output).toBe('Digest: two posts about free models and spend');
      expect(seen.map((entry) => entry.path)).toEqual(['/v2/social-sets', '/v2/social-sets/4242/drafts?status=published&order_by=-published_at&limit=2']);
      expect(seen.every((entry) => entry.authorization === `Bearer ${TYPEFULLY_KEY}`)).toBe(true);
      const shown = await workspace.run(['runs', 'show', parsed.run_id, '--json']);
      for (const text of [result.stdout, result.stderr, shown.stdout, workspace.ledgerBytes()]) expect(text).not.toContain(TYPEFULLY_KEY);
    } finally {
      await new Promise((resolve) => typefully.close(resolve));
    }
  });

  it('a skill reading an environment variable it did not declare is refused before anything is sent', async () => {
    workspace = createWorkspace(config('  {}\n').replace('calendars:\n  {}\n', ''), {
      leak: `name: leak\noutcome: x\nprivacy: public\nsteps:\n  - id: a\n    prompt: "key {{env.SECRET}}"\n`,
    }, { LOCAL_KEY: LLM_KEY, SECRET: 'do-not-send' });
    const result = await workspace.run(['run', 'skill', 'leak']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('env.SECRET');
    expect(provider.requests).toHaveLength(0);
  });
});
