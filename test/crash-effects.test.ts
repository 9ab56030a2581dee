// Crash test: workers SIGKILLed again and again while an http POST or a notify webhook is in flight (bounded,
// seeded), then a calm worker. Every run finishes, the receiver acts on each effect once (it dedupes by
// Idempotency-Key), every copy carries the key of the first, no two runs share a key, no saved LLM step is sent
// again, and the ledger never counts fewer requests than the provider saw.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, localConfig, type Workspace } from './helpers/workspace.js';
import { cliPath } from './helpers/cli.js';
import { startEffectReceiver, type EffectReceiver } from './helpers/effect-receiver.js';
import { loadConfig } from '../src/config/index.js';
import { loadSkill } from '../src/skills/index.js';
import { openLedger, type Ledger, type SqliteDb } from '../src/ledger/index.js';
import { deferRun } from '../src/queue/defer.js';

const provider = useFakeProvider();
const RUNS = 6;
const KILLS = 6;
// the receiver answers this slowly, so a kill lands while the request is in flight
const RECEIVER_DELAY_MS = 500;
let receiver: EffectReceiver;

beforeAll(async () => {
  receiver = await startEffectReceiver({ delay_ms: RECEIVER_DELAY_MS });
});

afterAll(async () => {
  await receiver.close();
});

function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<boolean> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) return false;
    await pause(10);
  }
  return true;
}

function startWorker(workspace: Workspace): ChildProcess {
  return spawn(process.execPath, [cliPath, 'worker'], { cwd: workspace.dir, env: workspace.env, stdio: 'ignore' });
}

/** Wait for the worker to end; SIGKILL it if it has not been signalled yet. */
async function kill(worker: ChildProcess): Promise<void> {
  if (worker.exitCode === null && !worker.killed) worker.kill('SIGKILL');
  if (worker.exitCode === null && worker.signalCode === null) await new Promise((resolve) => worker.once('exit', resolve));
}

function setup(skill: string): { workspace: Workspace; ledger: Ledger<SqliteDb>; defer: (n: number) => string } {
  const workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/small-model]\n'), { [skill.split('\n')[0].slice('name: '.length)]: skill }, { LOCAL_KEY: 'sk-crash-test' });
  const ledger = openLedger(workspace.state);
  const config = loadConfig({ env: workspace.env, cwd: workspace.dir });
  const loaded = loadSkill(path.join(workspace.dir, 'skills', `${skill.split('\n')[0].slice('name: '.length)}.yaml`));
  return { workspace, ledger, defer: (n) => deferRun({ config, ledger, skill: loaded, given: { n: String(n) }, env: workspace.env }) };
}

describe('a worker killed while an effect is in flight', () => {
  it('every run finishes and every effect reaches the receiver once, under its own stable key', async () => {
    const skill = `name: post-note
outcome: A note is drafted and posted.
privacy: public
inputs:
  n: { type: integer }
notify: { webhook: "${receiver.origin}/notify" }
steps:
  - id: draft
    prompt: "Write note number {{n}}."
    schema: { type: object, required: [note], properties: { note: { type: string } } }
  - id: post
    http: { method: POST, url: "${receiver.origin}/hook", json: "{{json steps.draft}}" }
`;
    const { workspace, ledger, defer } = setup(skill);
    provider.reply((request) => ({ json: { note: `note ${/number (\d+)/.exec(request.lastUserText)?.[1]}` } }));
    const runIds = Array.from({ length: RUNS }, (_, n) => defer(n));
    const random = mulberry32(20261202);
    const kills = { hook: 0, notify: 0, missed: 0 };
    try {
      // bounded: a fixed number of kills, and a time limit for the whole phase
      const stopAt = Date.now() + 35_000;
      const allDone = () => ledger.listJobs().every((job) => job.state === 'done');
      for (let round = 0; round < KILLS * 2 && kills.hook + kills.notify < KILLS && Date.now() < stopAt && !allDone(); round++) {
        // mostly the POST, every third kill the notify webhook
        const target = round % 3 === 2 ? '/notify' : '/hook';
        const worker = startWorker(workspace);
        // kill only while the target is in flight, so every kill is one of the two kinds counted below
        let landed = false;
        while (!landed && Date.now() < stopAt) {
          if (!(await until(() => receiver.inFlight(target) > 0 || worker.exitCode !== null || allDone(), 8_000))) break;
          if (receiver.inFlight(target) === 0) break;
          await pause(Math.floor(random() * (RECEIVER_DELAY_MS / 3)));
          if (receiver.inFlight(target) === 0) continue;
          worker.kill('SIGKILL');
          landed = true;
        }
        expect(receiver.inFlight()).toBeLessThanOrEqual(1);
        // a round that found nothing to kill ends gently (the job in flight finishes), so the counts stay exact
        if (!landed) worker.kill('SIGTERM');
        await kill(worker);
        if (!landed) kills.missed++;
        else if (target === '/hook') kills.hook++;
        else kills.notify++;
      }
      const calm = await workspace.run(['worker', '--once']);
      expect(calm.code).toBe(0);

      // every run finished
      const statuses = runIds.map((id) => ledger.getRun(id)?.status);
      expect(statuses).toEqual(runIds.map(() => 'ok'));
      // each POST acted on once after dedupe; copies were really sent (the kills landed), all under the first key
      const hooks = receiver.copies.filter((copy) => copy.path === '/hook');
      const effects = receiver.effects('/hook');
      expect(kills.hook).toBeGreaterThanOrEqual(3);
      expect(kills.notify).toBeGreaterThanOrEqual(1);
      // each kill in flight cost exactly one copy: the resumed job sent the POST again, nothing else did
      expect(hooks.length).toBe(RUNS + kills.hook);
      expect(effects).toHaveLength(RUNS);
      for (const [index, id] of runIds.entries()) {
        const copies = hooks.filter((copy) => JSON.parse(copy.body).note === `note ${index}`);
        expect(copies.length).toBeGreaterThanOrEqual(1);
        expect(new Set(copies.map((copy) => copy.key))).toEqual(new Set([`portai-${id}-post`]));
        expect(ledger.effectOf(id, 'post')).toMatchObject({ state: 'sent', idempotency_key: `portai-${id}-post` });
      }
      // two runs never share a key
      expect(new Set(effects.map((copy) => copy.key)).size).toBe(RUNS);
      // the notify webhook: once per run after dedupe, its copies under one key per run and event
      const notified = receiver.effects('/notify');
      expect(notified.map((copy) => copy.key).sort()).toEqual(runIds.map((id) => `portai-${id}-notify-done`).sort());
      const notifyCopies = receiver.copies.filter((copy) => copy.path === '/notify');
      expect(notifyCopies.length).toBe(RUNS + kills.notify);
      // no LLM step whose result was saved was sent again
      const chats = provider.requests.filter((request) => request.path.endsWith('/chat/completions'));
      for (const [index, id] of runIds.entries()) {
        const saved = ledger.db.sqlite.prepare("SELECT finished_utc FROM step_results WHERE run_id = ? AND step_id = 'draft'").get(id) as { finished_utc: string };
        const after = chats.filter((request) => JSON.stringify(request.body).includes(`Write note number ${index}.`) && request.at_ms > Date.parse(saved.finished_utc));
        expect(after).toHaveLength(0);
      }
      // no kill landed during an LLM request, so each draft was asked for exactly once
      expect(chats).toHaveLength(RUNS);
      // the ledger never counts fewer requests than the provider saw
      const counted = (ledger.db.sqlite.prepare('SELECT COUNT(*) AS n FROM attempts').get() as { n: number }).n;
      expect(counted).toBeGreaterThanOrEqual(chats.length);
      const sends = (ledger.db.sqlite.prepare("SELECT SUM(sends) AS n FROM effects WHERE step_id = 'post'").get() as { n: number }).n;
      expect(sends).toBeGreaterThanOrEqual(hooks.length);
      // runs show names the key
      const shown = await workspace.run(['runs', 'show', runIds[0]]);
      expect(shown.stdout).toContain(`step post · sent · Idempotency-Key portai-${runIds[0]}-post`);
      console.log(
        `crash test: kills ${kills.hook + kills.notify} (${kills.hook} during the POST, ${kills.notify} during notify, ${kills.missed} missed), runs finished ${statuses.length}/${RUNS}, ` +
          `POSTs sent ${hooks.length} (ledger counted ${sends} sends), received after dedupe ${effects.length}; notify sent ${notifyCopies.length}, after dedupe ${notified.length}; ` +
          `LLM requests counted ${counted} vs seen ${chats.length}`,
      );
    } finally {
      ledger.close();
      workspace.cleanup();
    }
  }, 120_000);

  it('a step with idempotency_key: false ends blocked, waits for the user, and --resend / --skip-step do what they say', async () => {
    const skill = `name: post-bare
outcome: A note is posted.
inputs:
  n: { type: integer }
steps:
  - id: post
    http: { method: POST, url: "${receiver.origin}/bare", idempotency_key: false, json: { n: "{{n}}" } }
`;
    receiver.copies.length = 0;
    const { workspace, ledger, defer } = setup(skill);
    const runIds = [defer(1), defer(2)];
    try {
      // the first worker dies during run 1's POST; the second finds it `sending` without a key, leaves it to the
      // user, takes run 2 and dies during its POST too
      for (let round = 0; round < 2; round++) {
        const worker = startWorker(workspace);
        const sent = receiver.copies.length;
        expect(await until(() => receiver.copies.length > sent && receiver.inFlight('/bare') > 0)).toBe(true);
        await kill(worker);
      }
      const calm = await workspace.run(['worker', '--once']);
      expect(calm.code).toBe(0);
      expect(calm.stderr).toContain('waits for you: step post may have been sent before the worker died at');
      expect(receiver.copies).toHaveLength(2);
      const jobs = JSON.parse((await workspace.run(['queue', 'list', '--json'])).stdout) as Array<{ run_id: string; state: string; reason: string; not_before: string | null }>;
      for (const id of runIds) {
        const job = jobs.find((row) => row.run_id === id);
        expect(job).toMatchObject({ state: 'waiting', not_before: null });
        expect(job?.reason).toMatch(new RegExp(`^waiting for you: step post may have been sent before the worker died at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; check the receiver, then \`portai runs resume ${id} --resend\` or \`--skip-step post\`$`));
        expect(ledger.getRun(id)?.status).toBe('blocked');
      }
      const listed = await workspace.run(['queue', 'list']);
      expect(listed.stdout).toContain(`waiting — waiting for you: step post may have been sent before the worker died at`);
      const shown = await workspace.run(['runs', 'show', runIds[0]]);
      expect(shown.stdout).toContain('step post · sending · no Idempotency-Key · sent 1 time');
      // a plain resume keeps it blocked (exit 3) and sends nothing
      const plain = await workspace.run(['runs', 'resume', runIds[0]]);
      expect(plain.code).toBe(3);
      expect(plain.stderr).toContain(`portai runs resume ${runIds[0]} --resend`);
      expect(receiver.copies).toHaveLength(2);

      const resent = await workspace.run(['runs', 'resume', runIds[0], '--resend']);
      expect(resent.code).toBe(0);
      expect(receiver.copies.filter((copy) => JSON.parse(copy.body).n === '1')).toHaveLength(2);
      const skipped = await workspace.run(['runs', 'resume', runIds[1], '--skip-step', 'post']);
      expect(skipped.code).toBe(0);
      expect(receiver.copies.filter((copy) => JSON.parse(copy.body).n === '2')).toHaveLength(1);
      expect(ledger.effectOf(runIds[1], 'post')).toMatchObject({ state: 'skipped' });
      const bad = await workspace.run(['runs', 'resume', runIds[1], '--skip-step', 'nope']);
      expect(bad.code).toBe(2);
      // the queue followed: no worker sends either step again
      const after = JSON.parse((await workspace.run(['queue', 'list', '--all', '--json'])).stdout) as Array<{ state: string }>;
      expect(after.map((row) => row.state)).toEqual(['done', 'done']);
      await workspace.run(['worker', '--once']);
      expect(receiver.copies).toHaveLength(3);
    } finally {
      ledger.close();
      workspace.cleanup();
    }
  }, 60_000);
});
