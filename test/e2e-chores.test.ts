// The two shipped chores end to end through the real CLI: calendar-update writes to a real Radicale calendar
// (read back over CalDAV independently), typefully-digest reads a loopback Typefully API v2.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { startFakeTypefully, type FakeTypefully } from './helpers/fake-typefully.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { fetchCollection, rawEvents, startRadicale, type RadicaleServer } from './helpers/radicale.js';

const LLM_KEY = 'sk-chores-llm-0a1b2c3d4e5f';
const provider = useFakeProvider();
let radicale: RadicaleServer;
let workspace: Workspace;

beforeAll(async () => {
  radicale = await startRadicale();
}, 40_000);
afterAll(async () => {
  await radicale?.stop();
});
afterEach(() => {
  workspace?.cleanup();
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
  const TYPEFULLY_KEY = 'tf-secret-key-9f8e7d6c5b4a';
  let typefully: FakeTypefully;
  const noCalendars = () => config('  {}\n').replace('calendars:\n  {}\n', '');

  beforeAll(async () => {
    typefully = await startFakeTypefully({
      apiKey: TYPEFULLY_KEY,
      socialSets: [{ id: 4242, username: 'ada', name: 'Ada' }, { id: 77, username: 'ada_work', name: 'Ada at work' }],
      drafts: {
        4242: [
          { id: 1, published_at: '2026-11-20T10:00:00Z', preview: 'An old post about spreadsheets' },
          { id: 2, published_at: '2026-11-25T10:00:00Z', preview: 'Free models are great for chores' },
          { id: 3, published_at: '2026-11-24T10:00:00Z', preview: 'Never pay by surprise' },
        ],
        77: [{ id: 9, published_at: '2026-11-26T08:00:00Z', preview: 'Quarterly planning notes' }],
      },
    });
  });
  afterAll(async () => {
    await typefully?.close();
  });
  afterEach(() => {
    typefully.requests.length = 0;
  });

  it('finds the social set, fetches the published posts with the Bearer key, and summarises them', async () => {
    workspace = createWorkspace(noCalendars(), {}, { LOCAL_KEY: LLM_KEY, TYPEFULLY_API_KEY: TYPEFULLY_KEY });
    provider.reply((request) => ({ text: `Digest of: ${request.lastUserText.includes('Never pay by surprise') ? 'free models and spend' : 'nothing'}` }));
    const result = await workspace.run(['run', 'skill', 'typefully-digest', '-i', `api_base=${typefully.origin}`, '-i', 'limit=2', '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.output).toBe('Digest of: free models and spend');
    expect(parsed.steps.map((step: { id: string; note?: string }) => [step.id, step.note ?? 'ran'])).toEqual([['sets', 'ran'], ['fetch', 'ran'], ['summarise', 'ran']]);
    expect(typefully.requests.map((request) => request.url)).toEqual(['/v2/social-sets', '/v2/social-sets/4242/drafts?status=published&order_by=-published_at&limit=2']);
    expect(typefully.requests.every((request) => request.method === 'GET' && request.authorization === `Bearer ${TYPEFULLY_KEY}`)).toBe(true);
    // the digest prompt carries the two newest posts' text and not the older one
    const prompt = (chatRequests()[0].body as { messages: Array<{ content: string }> }).messages.at(-1)?.content ?? '';
    expect(prompt).toContain('Free models are great for chores');
    expect(prompt).toContain('Never pay by surprise');
    expect(prompt).not.toContain('An old post about spreadsheets');
    const shown = await workspace.run(['runs', 'show', parsed.run_id, '--json']);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout).id).toBe(parsed.run_id);
    for (const text of [result.stdout, result.stderr, shown.stdout, shown.stderr, workspace.ledgerBytes()]) expect(text).not.toContain(TYPEFULLY_KEY);
  });

  it('prints the digest as plain output without --json', async () => {
    workspace = createWorkspace(noCalendars(), {}, { LOCAL_KEY: LLM_KEY, TYPEFULLY_API_KEY: TYPEFULLY_KEY });
    provider.reply((request) => ({ text: `Digest: ${request.lastUserText.includes('Free models are great for chores') ? 'chores on free models' : 'nothing'}` }));
    const result = await workspace.run(['run', 'skill', 'typefully-digest', '-i', `api_base=${typefully.origin}`]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('Digest: chores on free models');
    expect(result.stderr).not.toContain(TYPEFULLY_KEY);
  });

  it('with social_set_id given, the when: step that finds the set is skipped and the given set is read', async () => {
    workspace = createWorkspace(noCalendars(), {}, { LOCAL_KEY: LLM_KEY, TYPEFULLY_API_KEY: TYPEFULLY_KEY });
    provider.reply((request) => ({ text: request.lastUserText.includes('Quarterly planning notes') ? 'work digest' : 'wrong set' }));
    const result = await workspace.run(['run', 'skill', 'typefully-digest', '-i', `api_base=${typefully.origin}`, '-i', 'social_set_id=77', '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.output).toBe('work digest');
    expect(parsed.steps[0]).toMatchObject({ id: 'sets', note: 'skipped', provider: null, attempts: 0 });
    expect(parsed.steps[1].note).toBeUndefined();
    expect(typefully.requests.map((request) => request.url)).toEqual(['/v2/social-sets/77/drafts?status=published&order_by=-published_at&limit=10']);
  });

  it('a wrong key fails the run with the HTTP status, without echoing either key', async () => {
    const wrongKey = 'tf-wrong-key-1234567890';
    workspace = createWorkspace(noCalendars(), {}, { LOCAL_KEY: LLM_KEY, TYPEFULLY_API_KEY: wrongKey });
    const result = await workspace.run(['run', 'skill', 'typefully-digest', '-i', `api_base=${typefully.origin}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('401');
    expect(typefully.requests).toHaveLength(1);
    expect(chatRequests()).toHaveLength(0);
    for (const text of [result.stdout, result.stderr, workspace.ledgerBytes()]) {
      expect(text).not.toContain(wrongKey);
      expect(text).not.toContain(TYPEFULLY_KEY);
    }
  });
});

describe('skill guards', () => {
  it('a skill reading an environment variable it did not declare is refused before anything is sent', async () => {
    workspace = createWorkspace(config('  {}\n').replace('calendars:\n  {}\n', ''), {
      leak: `name: leak\noutcome: x\nprivacy: public\nsteps:\n  - id: a\n    prompt: "key {{env.SECRET}}"\n`,
    }, { LOCAL_KEY: LLM_KEY, SECRET: 'do-not-send' });
    const result = await workspace.run(['run', 'skill', 'leak']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('env.SECRET');
    expect(result.stderr).not.toContain('do-not-send');
    expect(provider.requests).toHaveLength(0);
  });

  it('a step whose when: renders false is skipped, and runs when it renders true', async () => {
    const skill = `name: maybe\noutcome: x\nprivacy: public\ninputs:\n  loud: { type: boolean, default: false }\nsteps:\n  - id: draft\n    prompt: "write a line"\n  - id: shout\n    when: "{{loud}}"\n    prompt: "shout this: {{steps.draft}}"\n`;
    workspace = createWorkspace(config('  {}\n').replace('calendars:\n  {}\n', ''), { maybe: skill }, { LOCAL_KEY: LLM_KEY });
    provider.reply((request) => ({ text: request.lastUserText.startsWith('shout') ? 'A LINE' : 'a line' }));
    const quiet = await workspace.run(['run', 'skill', 'maybe', '--json']);
    expect(quiet.code).toBe(0);
    const quietResult = JSON.parse(quiet.stdout);
    expect(quietResult.steps.map((step: { id: string; note?: string }) => [step.id, step.note ?? 'ran'])).toEqual([['draft', 'ran'], ['shout', 'skipped']]);
    expect(quietResult.output).toBe('a line');
    expect(chatRequests()).toHaveLength(1);

    const loud = await workspace.run(['run', 'skill', 'maybe', '-i', 'loud=true', '--json']);
    expect(loud.code).toBe(0);
    const loudResult = JSON.parse(loud.stdout);
    expect(loudResult.steps.map((step: { id: string; note?: string }) => [step.id, step.note ?? 'ran'])).toEqual([['draft', 'ran'], ['shout', 'ran']]);
    expect(loudResult.output).toBe('A LINE');
    expect(chatRequests()).toHaveLength(3);
  });
});
