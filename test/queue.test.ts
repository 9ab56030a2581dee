// Deferred runs: the queue, the worker with an injected clock (no test sleeps for hours), resume, schedules, notify.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from './fake-provider/server.js';
import { loadConfig } from '../src/config/index.js';
import { loadSkill } from '../src/skills/index.js';
import type { Ledger } from '../src/ledger/index.js';
import { openLedgerUnderTest, stopSharedCluster } from './helpers/ledger-backends.js';
import { deferRun, runWorker } from '../src/queue/index.js';
import { deferEval } from '../src/queue/eval-job.js';
import { runSkill } from '../src/runner/run-skill.js';
import { silentProgress } from '../src/runner/progress.js';
import type { Config } from '../src/types.js';

let provider: FakeProvider;
let dir: string;
let ledger: Ledger;
const env = { Q_KEY: 'k' };

function writeConfig(limits: string, extra = ''): Config {
  fs.writeFileSync(
    path.join(dir, 'portai.yaml'),
    `skills: ./skills
budget: { usd_per_day: 0 }
providers:
  free:
    preset: openai-compatible
    base_url: ${provider.url}/v1
    api_key_env: Q_KEY
    billing: free
    limits: ${limits}
    models: [{ id: m1 }]
  paid:
    preset: openai-compatible
    base_url: ${provider.url}/v1
    api_key_env: Q_KEY
    models: [{ id: pricey, price: { input: 1, output: 1 }, max_output: 100 }]
routes:
  - when: { skill: "costly*" }
    use: [paid/pricey]
  - use: [free/*]
${extra}`,
  );
  return loadConfig({ env: { HOME: dir, ...env }, cwd: dir });
}

function writeSkill(name: string, body: string): string {
  const file = path.join(dir, 'skills', `${name}.yaml`);
  fs.writeFileSync(file, body);
  return file;
}

const simpleSkill = (name: string, extra = '') => `name: ${name}\noutcome: A short answer.\nprivacy: public\ninputs:\n  n: { type: integer }\n${extra}steps:\n  - id: answer\n    prompt: "Item {{n}}"\n`;

beforeEach(async () => {
  provider = await startFakeProvider();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-queue-'));
  fs.mkdirSync(path.join(dir, 'skills'));
  ledger = await openLedgerUnderTest(path.join(dir, 'state'));
});
afterAll(() => stopSharedCluster());
afterEach(async () => {
  ledger.close();
  await provider.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const EVENING = Date.parse('2026-11-26T20:00:00Z');
const MIDNIGHT = Date.parse('2026-11-27T00:00:00Z');

describe('worker', () => {
  it('eight jobs against 5 per day: exactly 5 run today, the rest wait for 00:00 UTC and then run', async () => {
    const config = writeConfig('{ requests_per_day: 5 }');
    const skill = loadSkill(writeSkill('chore', simpleSkill('chore')));
    let now = EVENING;
    const clock = () => now;
    const ids = Array.from({ length: 8 }, (_, index) => deferRun({ config, ledger, skill, given: { n: String(index) }, env, clock }));
    expect(ledger.listJobs().map((job) => job.state)).toEqual(Array(8).fill('queued'));

    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    const jobs = ledger.listJobs();
    expect(jobs.filter((job) => job.state === 'done')).toHaveLength(5);
    const waiting = jobs.filter((job) => job.state === 'waiting');
    expect(waiting).toHaveLength(3);
    for (const job of waiting) {
      expect(job.not_before_ms).toBe(MIDNIGHT);
      expect(job.reason).toContain('5/5 requests today');
    }
    expect(provider.requests).toHaveLength(5);
    // nothing runs before midnight
    now = MIDNIGHT - 1000;
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    expect(provider.requests).toHaveLength(5);
    now = MIDNIGHT + 1000;
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    expect(ledger.listJobs().every((job) => job.state === 'done')).toBe(true);
    expect(provider.requests).toHaveLength(8);
    for (const id of ids) expect(ledger.getRun(id)?.status).toBe('ok');
    // a run keeps the time it was created with, even when it ran after midnight
    expect(ledger.getRun(ids[7])?.today).toBe('2026-11-26');
  });

  it('a job waiting through many resets is never failed for it: only a sent-and-failed run counts an attempt', async () => {
    const config = writeConfig('{}');
    const skill = loadSkill(writeSkill('chore', simpleSkill('chore')));
    let now = EVENING;
    const clock = () => now;
    deferRun({ config, ledger, skill, given: { n: '1' }, env, clock });
    // twelve claims, each finding the provider paused (more than the 8 attempts a job may fail)
    for (let reset = 0; reset < 12; reset++) {
      ledger.addBlock({ provider: 'free', model: null, scope: 'provider', kind: 'rate_limited', reason: 'rate limited: paused', until_ms: now + 60_000 });
      await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
      const [job] = ledger.listJobs();
      expect(job.state).toBe('waiting');
      expect(job.attempts).toBe(0);
      now = job.not_before_ms as number;
    }
    expect(provider.requests).toHaveLength(0);
    // one real failure (the overload and its one retry) is one attempt, and the job tries again later
    provider.enqueue({ status: 503, body: { error: { message: 'overloaded', code: 503 } } }, { status: 503, body: { error: { message: 'overloaded', code: 503 } } });
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    let [job] = ledger.listJobs();
    expect(job.state).toBe('waiting');
    expect(job.attempts).toBe(1);
    now = job.not_before_ms as number;
    provider.enqueue({ text: 'finally' });
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    [job] = ledger.listJobs();
    expect(job.state).toBe('done');
    expect(provider.requests).toHaveLength(3);
  });

  it('a job blocked with no known end (a cost alarm) waits for the user, says how to lift it, and runs once lifted', async () => {
    const config = writeConfig('{}');
    const skill = loadSkill(writeSkill('chore', simpleSkill('chore')));
    let now = EVENING;
    const clock = () => now;
    deferRun({ config, ledger, skill, given: { n: '1' }, env, clock });
    ledger.addBlock({ provider: 'free', model: null, scope: 'provider', kind: 'cost_alarm', reason: 'free model m1 reported a cost of $0.01', until_ms: null });
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    let [job] = ledger.listJobs();
    expect(job.state).toBe('waiting');
    expect(job.reason).toContain('waiting for you: run `portai providers unblock free`');
    expect(job.attempts).toBe(0);
    expect(provider.requests).toHaveLength(0);
    ledger.clearBlocks('free');
    now = job.not_before_ms as number;
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    [job] = ledger.listJobs();
    expect(job.state).toBe('done');
  });

  it('a job blocked for good (budget) fails at once with the reason instead of waiting', async () => {
    const config = writeConfig('{}');
    const skill = loadSkill(writeSkill('costly', simpleSkill('costly')));
    deferRun({ config, ledger, skill, given: { n: '1' }, env });
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, sleep: async () => {} });
    const [job] = ledger.listJobs();
    expect(job.state).toBe('failed');
    expect(job.reason).toContain('budget');
    expect(provider.requests).toHaveLength(0);
  });

  it('after a Retry-After the job may run again that many seconds later', async () => {
    const config = writeConfig('{}');
    const skill = loadSkill(writeSkill('chore', simpleSkill('chore')));
    let now = EVENING;
    const clock = () => now;
    deferRun({ config, ledger, skill, given: { n: '1' }, env, clock });
    provider.enqueue({ status: 429, headers: { 'retry-after': '120' }, body: { error: { message: 'slow down', code: 429 } } });
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    const [job] = ledger.listJobs();
    expect(job.state).toBe('waiting');
    expect(job.not_before_ms).toBe(EVENING + 120_000);
    // a moment before, it does not run
    now = EVENING + 119_000;
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    expect(provider.requests).toHaveLength(1);
    now = EVENING + 120_000;
    provider.enqueue({ text: 'done now' });
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    expect(ledger.listJobs()[0].state).toBe('done');
  });

  it('notifies a webhook with the result JSON when a deferred run finishes', async () => {
    const received: unknown[] = [];
    const hook = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      const config = writeConfig('{}');
      const skill = loadSkill(writeSkill('chore', simpleSkill('chore', `notify: { webhook: "${url}" }\n`)));
      const runId = deferRun({ config, ledger, skill, given: { n: '3' }, env });
      provider.enqueue({ text: 'the answer' });
      await runWorker({ config, ledger, env, progress: silentProgress, once: true, sleep: async () => {} });
      expect(received).toEqual([{ event: 'done', run_id: runId, skill: 'chore', status: 'ok', output: 'the answer' }]);
    } finally {
      await new Promise((resolve) => hook.close(resolve));
    }
  });

  it('enqueues a scheduled skill when due, once, even after several missed times', async () => {
    const config = writeConfig('{}');
    writeSkill('daily', simpleSkill('daily', 'schedule: { cron: "0 8 * * *", inputs: { n: 7 } }\n'));
    let now = Date.parse('2026-11-20T07:00:00Z');
    const clock = () => now;
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    expect(ledger.listJobs()).toHaveLength(0);
    now = Date.parse('2026-11-23T09:00:00Z'); // three 08:00s missed while no worker ran
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    const jobs = ledger.listJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0].state).toBe('done');
    expect(ledger.getRun(jobs[0].run_id)?.inputs).toEqual({ n: 7 });
  });
});

describe('resume', () => {
  it('a run that stopped at step two resumes there: step one is reused, not paid for twice', async () => {
    const config = writeConfig('{}');
    const skill = loadSkill(
      writeSkill('two', `name: two\noutcome: x\nprivacy: public\nsteps:\n  - id: first\n    prompt: "First"\n  - id: second\n    prompt: "Second after {{steps.first}}"\n`),
    );
    let now = EVENING;
    const clock = () => now;
    // step two fails on the server (an overload and its one retry) after step one succeeded
    const overloaded = { status: 503, body: { error: { message: 'overloaded', code: 503 } } };
    provider.enqueue({ text: 'one' }, overloaded, overloaded);
    const failed = await runSkill({ config, ledger, skill, given: {}, env, progress: silentProgress, clock, sleep: async () => {} });
    expect(failed.status).toBe('failed');
    expect(provider.requests).toHaveLength(3);
    now = MIDNIGHT + 1;
    provider.enqueue({ text: 'two' });
    const resumed = await runSkill({ config, ledger, skill, given: {}, env, progress: silentProgress, clock, runId: failed.run_id ?? undefined });
    expect(resumed.status).toBe('ok');
    expect(resumed.output).toBe('two');
    expect(resumed.steps.map((step) => step.note ?? 'sent')).toEqual(['reused', 'sent']);
    expect(provider.requests).toHaveLength(4);
    const second = provider.requests[3].body as { messages: Array<{ content: string }> };
    expect(second.messages.at(-1)?.content).toBe('Second after one');
  });
});

describe('notify', () => {
  it('a command notifier gets the failure JSON on stdin, and a job waiting past its deadline is reported once', async () => {
    const config = writeConfig('{ requests_per_day: 1 }');
    const out = path.join(dir, 'notified.jsonl');
    const command = `cat >> '${out}'; echo >> '${out}'`;
    const skill = loadSkill(writeSkill('late', simpleSkill('late', `deadline: 2h\nnotify: { command: "${command}" }\n`)));
    let now = EVENING;
    const clock = () => now;
    provider.enqueue({ text: 'first' });
    deferRun({ config, ledger, skill, given: { n: '1' }, env, clock });
    const waitingId = deferRun({ config, ledger, skill, given: { n: '2' }, env, clock });
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    const lines = () => fs.readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines().map((entry) => entry.event)).toEqual(['done']);
    now = EVENING + 2 * 3_600_000 + 1000; // past the deadline, before the midnight reset
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    const events = lines();
    expect(events.map((entry) => entry.event)).toEqual(['done', 'deadline']);
    expect(events[1]).toMatchObject({ run_id: waitingId, skill: 'late', status: 'waiting' });
    expect(events[1].problem[0]).toContain('1/1 requests today');
  });
});

describe('deferred evals', () => {
  const testedSkill = `name: checked
outcome: A short answer.
privacy: public
steps:
  - id: answer
    prompt: "Say ok"
tests:
  cases:
    - id: ok
      repeat: 6
      assert: [{ type: icontains, value: ok }]
`;

  it('stop at the reserve, wait for 00:00 UTC, then run only what is left (what ran is not run again)', async () => {
    const config = writeConfig('{ requests_per_day: 5 }');
    const skill = loadSkill(writeSkill('checked', testedSkill));
    provider.reply(() => ({ text: 'OK' }));
    let now = EVENING;
    const clock = () => now;
    const { job_id } = deferEval(ledger, skill, { reason: 'test' }, now);
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    // 20% of 5 stays for ordinary runs: the eval sends 4 of its 6
    expect(provider.requests.filter((request) => request.path.endsWith('/chat/completions'))).toHaveLength(4);
    expect(ledger.getJob(job_id)).toMatchObject({ state: 'waiting', not_before_ms: MIDNIGHT, attempts: 0 });

    // before the reset nothing is due; after it, the two left run and the job is done
    now = MIDNIGHT - 1;
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    expect(provider.requests.filter((request) => request.path.endsWith('/chat/completions'))).toHaveLength(4);
    now = MIDNIGHT + 1_000;
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    expect(provider.requests.filter((request) => request.path.endsWith('/chat/completions'))).toHaveLength(6);
    // the job's summary covers both passes, not just the last
    expect(ledger.getJob(job_id)).toMatchObject({ state: 'done', reason: 'free/m1 6/6 pass' });
    const rows = ledger.evalResultsOf('checked');
    expect(rows.filter((row) => row.status === 'pass')).toHaveLength(6);
    expect(rows.filter((row) => row.status === 'fail')).toHaveLength(0);
  });

  it('a running eval gives way between case runs to an ordinary run that became due, then carries on', async () => {
    const config = writeConfig('{ requests_per_day: 50 }');
    const checked = loadSkill(writeSkill('checked', testedSkill));
    const chore = loadSkill(writeSkill('chore', simpleSkill('chore')));
    provider.reply(() => ({ text: 'OK' }));
    let now = EVENING;
    // every reading of the clock moves it on a second: the run below becomes due while the eval is under way
    const clock = () => (now += 1_000);
    const { job_id } = deferEval(ledger, checked, {}, EVENING);
    deferRun({ config, ledger, skill: chore, given: { n: '7' }, env, clock: () => EVENING + 30_000 });
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    const prompts = provider.requests.filter((request) => request.path.endsWith('/chat/completions')).map((request) => (request.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content);
    const ordinary = prompts.findIndex((prompt) => prompt.includes('Item 7'));
    // some eval requests before it, the rest after it, none twice
    expect(ordinary).toBeGreaterThan(0);
    expect(ordinary).toBeLessThan(6);
    expect(prompts.filter((prompt) => prompt.includes('Say ok'))).toHaveLength(6);
    expect(ledger.getJob(job_id)).toMatchObject({ state: 'done' });
    expect(ledger.evalResultsOf('checked').filter((row) => row.status === 'pass')).toHaveLength(6);
  });

  it('an outage during a deferred eval is not run: the job backs off and counts a try, no result is a failure', async () => {
    const config = writeConfig('{ requests_per_day: 50 }');
    // the provider is down: nothing listens on its port any more
    await provider.close();
    const skill = loadSkill(writeSkill('checked', testedSkill.replace('repeat: 6', 'repeat: 2')));
    const { job_id } = deferEval(ledger, skill, {}, EVENING);
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock: () => EVENING, sleep: async () => {} });
    expect(ledger.getJob(job_id)).toMatchObject({ state: 'waiting', not_before_ms: EVENING + 15 * 60_000, attempts: 1 });
    const rows = ledger.evalResultsOf('checked');
    expect(rows.map((row) => row.status)).toEqual(['not_run', 'not_run']);
    provider = await startFakeProvider();
  });

  it('an ordinary deferred run is claimed before an eval queued earlier', async () => {
    const config = writeConfig('{ requests_per_day: 50 }');
    const checked = loadSkill(writeSkill('checked', testedSkill));
    const chore = loadSkill(writeSkill('chore', simpleSkill('chore')));
    const owner = { id: 'w', pid: process.pid, host: os.hostname() };
    const { job_id } = deferEval(ledger, checked, {}, EVENING);
    const runId = deferRun({ config, ledger, skill: chore, given: { n: '1' }, env, clock: () => EVENING + 1 });
    expect(ledger.claimJob(owner, EVENING + 2, 60_000)?.run_id).toBe(runId);
    expect(ledger.claimJob(owner, EVENING + 2, 60_000)?.id).toBe(job_id);
  });
});
