// Deferred evals end to end: `portai eval --defer` queues a job the real worker runs on spare quota, leaving the
// reserve of each window to ordinary runs; a 429 is "not run" and a wait, never a failure. The real CLI in a child
// process, the loopback fake provider, a real SQLite ledger.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { Ledger } from '../src/ledger/index.js';
import { nextUtcMidnight } from '../src/router/index.js';
import { extractSkill } from './helpers/extract-skill.js';

const provider = useFakeProvider();
let workspace: Workspace;
afterEach(() => workspace?.cleanup());

const config = (origin: string, limits: string, defaults = '') => `skills: ./skills
budget: { usd_per_day: 0 }
${defaults}providers:
  local:
    preset: openai-compatible
    base_url: ${origin}/v1
    api_key_env: LOCAL_KEY
    billing: free
    limits: ${limits}
    models:
      - { id: right, context: 32000 }
routes:
  - use: [local/*]
`;

const SKILL = extractSkill(4);

const chat = () => provider.requests.filter((request) => request.path.endsWith('/chat/completions'));
const jobs = async (ws: Workspace) => JSON.parse((await ws.run(['queue', 'list', '--all', '--json'])).stdout) as Array<{ id: string; run_id: string; skill: string; state: string; not_before: string | null; reason: string | null }>;
const results = (ws: Workspace) => {
  const ledger = new Ledger(path.join(ws.state, 'ledger.db'));
  try {
    return ledger.evalResultsOf('extract');
  } finally {
    ledger.close();
  }
};

describe('portai eval --defer', () => {
  it('never takes the reserved requests of the day: it stops at 80% and waits for the reset; an ordinary run still gets its request', async () => {
    workspace = createWorkspace(config(provider.url, '{ requests_per_day: 5 }'), { extract: SKILL }, { LOCAL_KEY: 'k-local' });
    provider.reply(() => ({ json: { title: 'Dentist' } }));
    // two ordinary runs: 2 of 5 requests of the day
    for (let run = 0; run < 2; run++) expect((await workspace.run(['run', 'skill', 'extract', '-i', 'request=dentist'])).code).toBe(0);

    const queued = await workspace.run(['eval', 'extract', '--defer', '--json']);
    expect(queued.code).toBe(0);
    const { job_id } = JSON.parse(queued.stdout);
    expect(chat()).toHaveLength(2); // queuing sends nothing
    expect(queued.stderr).toContain('less than 20% of a window');

    const worker = await workspace.run(['worker', '--once']);
    expect(worker.code).toBe(0);
    // the eval wanted 4 requests; 20% of 5 is kept, so it took 2 (to 4 of 5) and stopped
    expect(chat()).toHaveLength(4);
    const rows = results(workspace);
    expect(rows.map((row) => row.status)).toEqual(['pass', 'pass', 'not_run', 'not_run']);
    const job = (await jobs(workspace)).find((entry) => entry.id === job_id)!;
    expect(job.state).toBe('waiting');
    expect(job.not_before).toBe(new Date(nextUtcMidnight(Date.now())).toISOString());
    expect(job.reason).toContain('eval reserve: 4/4 requests today (UTC)');

    // a second deferred eval at 80%: it sends nothing at all and waits too
    const second = JSON.parse((await workspace.run(['eval', 'extract', '--defer', '--json'])).stdout).job_id;
    expect((await workspace.run(['worker', '--once'])).code).toBe(0);
    expect(chat()).toHaveLength(4);
    expect((await jobs(workspace)).find((entry) => entry.id === second)!.state).toBe('waiting');

    // the reserve is the ordinary runs': the fifth request of the day is theirs
    const ordinary = await workspace.run(['run', 'skill', 'extract', '-i', 'request=dentist', '--json']);
    expect(ordinary.code).toBe(0);
    expect(chat()).toHaveLength(5);
    // and no eval result was counted as a failure
    expect(results(workspace).some((row) => row.status === 'fail')).toBe(false);
  }, 120_000);

  it('the reserve is configurable (defaults.evals.reserve) and covers rolling windows; ordinary jobs are worked first', async () => {
    workspace = createWorkspace(config(provider.url, '{ windows: [ { hours: 5, requests: 4 } ] }', 'defaults: { evals: { reserve: 0.5 } }\n'), { extract: SKILL }, { LOCAL_KEY: 'k-local' });
    provider.reply(() => ({ json: { title: 'Dentist' } }));
    const evalJob = JSON.parse((await workspace.run(['eval', 'extract', '--defer', '--json'])).stdout).job_id;
    // queued after the eval, worked before it
    const runId = (await workspace.run(['run', 'skill', 'extract', '-i', 'request=ordinary', '--defer'])).stdout.trim();
    expect((await workspace.run(['worker', '--once'])).code).toBe(0);
    const prompts = chat().map((request) => (request.body as { messages: Array<{ content: string }> }).messages.map((message) => message.content).join('\n'));
    expect(prompts[0]).toContain('ordinary');
    // half of the 5 h window's 4 requests stay for ordinary runs: the ordinary run took 1, the eval 1
    expect(chat()).toHaveLength(2);
    const listed = await jobs(workspace);
    expect(listed.find((entry) => entry.run_id === runId)!.state).toBe('done');
    const job = listed.find((entry) => entry.id === evalJob)!;
    expect(job.state).toBe('waiting');
    expect(job.reason).toContain('eval reserve: 2/2 requests in the 5 h window');
  }, 120_000);

  it('a 429 during a deferred eval is not run: the job waits, nothing counts as a failure', async () => {
    workspace = createWorkspace(config(provider.url, '{ requests_per_day: 50 }'), { extract: SKILL }, { LOCAL_KEY: 'k-local' });
    provider.reply(() => ({ status: 429, headers: { 'retry-after': '3600' }, body: { error: { message: 'rate limited, try later' } } }));
    const before = Date.now();
    const job_id = JSON.parse((await workspace.run(['eval', 'extract', '--defer', '--json'])).stdout).job_id;
    expect((await workspace.run(['worker', '--once'])).code).toBe(0);
    expect(chat()).toHaveLength(1);
    expect(results(workspace).every((row) => row.status === 'not_run')).toBe(true);
    const job = (await jobs(workspace)).find((entry) => entry.id === job_id)!;
    expect(job.state).toBe('waiting');
    // the provider said an hour: the job comes back then, not sooner
    expect(Date.parse(job.not_before!)).toBeGreaterThanOrEqual(before + 3_600_000 - 1_000);
  });

  it('bad input is exit 2 before anything is queued', async () => {
    workspace = createWorkspace(config(provider.url, '{ requests_per_day: 5 }'), { extract: SKILL }, { LOCAL_KEY: 'k-local' });
    const junit = await workspace.run(['eval', 'extract', '--defer', '--junit', 'r.xml']);
    expect(junit.code).toBe(2);
    expect(junit.stderr).toContain('--junit cannot be used with --defer');
    const model = await workspace.run(['eval', 'extract', '--defer', '--models', 'local/nope']);
    expect(model.code).toBe(2);
    expect(model.stderr).toContain('nope');
    expect(await jobs(workspace)).toEqual([]);
    // --dry-run says what a deferred eval may use of each window
    const dry = await workspace.run(['eval', 'extract', '--dry-run']);
    expect(dry.stdout).toContain('day (UTC): 5 requests left of 5 (4 for --defer, which leaves 20% to ordinary runs)');
    expect(provider.requests).toHaveLength(0);
  });
});
