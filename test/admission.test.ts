// Admission lookahead: a run whose later step cannot go now sends nothing and waits; its later steps' requests
// are held from its first reservation; two worker processes race for the last plan prompt.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from './fake-provider/server.js';
import { loadConfig } from '../src/config/index.js';
import { loadSkill } from '../src/skills/index.js';
import type { Ledger } from '../src/ledger/index.js';
import { ledgerEnvOf, openLedgerUnderTest, stopSharedCluster } from './helpers/ledger-backends.js';
import { deferRun, runWorker } from '../src/queue/index.js';
import { silentProgress } from '../src/runner/progress.js';
import type { Config } from '../src/types.js';
import { baseEnv } from './helpers/cli.js';
import { cliPath } from './helpers/cli.js';

let provider: FakeProvider;
let dir: string;
let ledger: Ledger;
const env = { A_KEY: 'k' };

const CONFIG = (url: string, planPrompts: number) => `skills: ./skills
budget: { usd_per_day: 0 }
providers:
  free:
    preset: openai-compatible
    base_url: ${url}/v1
    api_key_env: A_KEY
    billing: free
    models: [{ id: m1 }]
  plan:
    preset: openai-compatible
    base_url: ${url}/v1
    api_key_env: A_KEY
    billing: subscription
    limits: { windows: [{ hours: 5, requests: ${planPrompts} }] }
    models: [{ id: thinker }]
routes:
  - when: { effort: high }
    use: [plan/*]
  - use: [free/*]
`;

const TWO_STEPS = `name: digest
outcome: A digest.
privacy: public
inputs:
  n: { type: integer }
steps:
  - id: gather
    prompt: "Gather item {{n}}"
  - id: think
    effort: high
    prompt: "Think about {{steps.gather}}"
`;

function setup(planPrompts: number): Config {
  fs.writeFileSync(path.join(dir, 'portai.yaml'), CONFIG(provider.url, planPrompts));
  fs.writeFileSync(path.join(dir, 'skills', 'digest.yaml'), TWO_STEPS);
  return loadConfig({ env: { HOME: dir, ...env }, cwd: dir });
}

function fillPlanWindow(at: number): void {
  const reserved = ledger.reserve({ run_id: null, step_id: null, provider: 'plan', model: 'thinker', billing: 'subscription', weight: 1, reserved_usd: 0, now_ms: at }, [], () => null);
  if (!('attempt_id' in reserved)) throw new Error('not reserved');
  ledger.finishAttempt(reserved.attempt_id, { status: 'ok', duration_ms: 100, now_ms: at + 100 });
}

beforeEach(async () => {
  provider = await startFakeProvider();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-admission-'));
  fs.mkdirSync(path.join(dir, 'skills'));
  ledger = await openLedgerUnderTest(path.join(dir, 'state'));
});
afterAll(() => stopSharedCluster());
afterEach(async () => {
  ledger.close();
  await provider.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const NOON = Date.parse('2026-11-26T12:00:00Z');

describe('admission lookahead', () => {
  it('a two-step run whose second step has a full plan window sends nothing and waits until the window frees', async () => {
    const config = setup(1);
    const skill = loadSkill(path.join(dir, 'skills', 'digest.yaml'));
    fillPlanWindow(NOON - 3_600_000);
    let now = NOON;
    const clock = () => now;
    const runId = deferRun({ config, ledger, skill, given: { n: '1' }, env, clock });
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    const [job] = ledger.listJobs();
    expect(job.state).toBe('waiting');
    expect(job.attempts).toBe(0);
    // the window's one request ages out 5 h after it was sent, plus the rolling margin (limits.margin_seconds, 1 s)
    expect(job.not_before_ms).toBe(NOON - 3_600_000 + 5 * 3_600_000 + 1000);
    expect(job.reason).toContain('step think');
    expect(provider.requests).toHaveLength(0);
    expect(ledger.attemptsOf(runId)).toHaveLength(0);

    now = job.not_before_ms as number;
    await runWorker({ config, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    expect(ledger.listJobs()[0].state).toBe('done');
    expect(provider.requests.map((request) => (request.body as { model: string }).model)).toEqual(['m1', 'thinker']);
    // nothing stays held once the run is over
    expect(ledger.db.statement('SELECT COUNT(*) AS n FROM holds').get()).toEqual({ n: 0 });
  });

  it("the first request holds the later step's plan prompt while it is in flight, and the step then uses it", async () => {
    const config = setup(1);
    const skill = loadSkill(path.join(dir, 'skills', 'digest.yaml'));
    deferRun({ config, ledger, skill, given: { n: '1' }, env, clock: () => NOON });
    // while step one is in flight the plan's only prompt is held for step two
    provider.enqueue({ text: 'gathered', delay_ms: 300 });
    const running = runWorker({ config, ledger, env, progress: silentProgress, once: true, clock: () => NOON, sleep: async () => {} });
    const start = Date.now();
    while (provider.requests.length === 0 && Date.now() - start < 5000) await new Promise((resolve) => setTimeout(resolve, 10));
    const snapshot = ledger.usage([{ name: 'plan', windows: [5] }], NOON);
    expect(snapshot.providers.plan.windows[0].requests).toBe(1);
    await running;
    expect(ledger.listJobs()[0].state).toBe('done');
    expect(ledger.usage([{ name: 'plan', windows: [5] }], NOON + 1000).providers.plan.windows[0].requests).toBe(1);
  });

  it('two worker processes racing for the last plan prompt: one run finishes, the other sends nothing and waits', async () => {
    setup(1);
    const config = loadConfig({ env: { HOME: dir, ...env }, cwd: dir });
    const skill = loadSkill(path.join(dir, 'skills', 'digest.yaml'));
    for (const n of ['1', '2']) deferRun({ config, ledger, skill, given: { n }, env });
    // slow answers keep both workers' runs open at once
    provider.reply(() => ({ text: 'ok', delay_ms: 400 }));
    const workerEnv = { ...baseEnv(dir, env), PORTAI_HOME: path.join(dir, 'state'), ...ledgerEnvOf(ledger) };
    const workers = [0, 1].map(
      () =>
        new Promise<number>((resolve) => {
          const child = spawn(process.execPath, [cliPath, 'worker', '--once'], { cwd: dir, env: workerEnv, stdio: 'ignore' });
          child.once('exit', (code) => resolve(code ?? -1));
        }),
    );
    expect(await Promise.all(workers)).toEqual([0, 0]);
    const jobs = ledger.listJobs();
    expect(jobs.map((job) => job.state).sort()).toEqual(['done', 'waiting']);
    const waiting = jobs.find((job) => job.state === 'waiting');
    expect(waiting?.attempts).toBe(0);
    expect(ledger.attemptsOf(waiting?.run_id as string)).toHaveLength(0);
    // one free request and one plan prompt: nothing spent on a run that could not finish
    expect(provider.requests.map((request) => (request.body as { model: string }).model).sort()).toEqual(['m1', 'thinker']);
  });
});
