// The full runner path (render, plan, guards, ledger writes) against bare undici on a loopback: `runSkill` of a
// one-step skill vs a hand-written request with the same bytes, interleaved round by round. Used by bench/run.mjs,
// and on its own: `node bench/full-path.mjs [--runs N] [--before DIST]` (add `--cpu-prof` to node for a profile of
// this part alone; `node /work/tools/prof.mjs FILE` reads it). `--before DIST` runs an older build as one more arm.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { startLoopback } from './loopback.mjs';
import { percentile, formatMs } from './stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'sk-bench-not-a-real-key';

async function armOf(name, dist, work, server) {
  const load = (file) => import(path.join(dist, file));
  const { loadConfig } = await load('config/index.js');
  const { loadSkill } = await load('skills/index.js');
  const { openLedger } = await load('ledger/index.js');
  const { runSkill } = await load('runner/run-skill.js');
  const { silentProgress } = await load('runner/progress.js');
  const env = { HOME: work, BENCH_KEY: KEY };
  const config = loadConfig({ env, cwd: work });
  const skill = loadSkill(path.join(work, 'skills', 'one.yaml'));
  // its own ledger: the full path reads the hour's attempts, so another arm's would change what it reads
  const ledger = openLedger(path.join(work, `state-${name}`));
  let counter = 0;
  return {
    name,
    run: () => runSkill({ config, ledger, skill, given: { n: String(counter++) }, env, progress: silentProgress }),
    close: () => ledger.close(),
  };
}

/** `arms`: [{ name, dist }] (the first is this checkout's dist by default). Returns the times of each arm, ms. */
export async function fullPathBench({ runs = 1000, arms = [{ name: 'portai', dist: path.join(root, 'dist') }], say = () => {} } = {}) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-full-path-'));
  const server = await startLoopback();
  fs.mkdirSync(path.join(work, 'skills'));
  fs.writeFileSync(
    path.join(work, 'portai.yaml'),
    `skills: ./skills\nproviders:\n  local:\n    preset: openai-compatible\n    base_url: ${server.url}/v1\n    api_key_env: BENCH_KEY\n    billing: free\n    limits: { requests_per_minute: 100000000, requests_per_day: 100000000, windows: [ { hours: 5, requests: 100000000 } ] }\n    models: [{ id: bench-model, context: 32000 }]\nroutes:\n  - use: [local/*]\n`,
  );
  fs.writeFileSync(path.join(work, 'skills', 'one.yaml'), `name: one\noutcome: A short answer.\nprivacy: public\ninputs:\n  n: { type: integer }\nsteps:\n  - id: a\n    prompt: "Question {{n}}"\n`);
  const { DEFAULT_TIMEOUTS } = await import(path.join(arms[0].dist, 'wire/index.js'));
  // the baseline: the same bytes portai sends, the same keep-alive Agent settings and timeouts as src/wire/http.ts
  const payload = { model: 'bench-model', messages: [{ role: 'system', content: 'The desired outcome of this task: A short answer.' }, { role: 'user', content: 'Question 1' }], stream: false };
  const agent = new Agent({ connect: { timeout: DEFAULT_TIMEOUTS.connect_ms }, keepAliveTimeout: 30_000 });
  const bare = async () => {
    const response = await request(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'portai/0.1', authorization: `Bearer ${KEY}` },
      body: JSON.stringify(payload),
      headersTimeout: DEFAULT_TIMEOUTS.first_byte_ms,
      bodyTimeout: DEFAULT_TIMEOUTS.idle_ms,
    });
    const json = await response.body.json();
    if (!json.choices) throw new Error('bad loopback answer');
  };
  const subjects = [];
  for (const arm of arms) subjects.push(await armOf(arm.name, arm.dist, work, server));
  const timeEach = async (count, fn) => {
    const times = [];
    for (let index = 0; index < count; index++) {
      const start = process.hrtime.bigint();
      await fn();
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return times;
  };
  say('warming up…');
  await timeEach(200, bare);
  for (const subject of subjects) await timeEach(100, subject.run);
  // interleaved in 10 rounds, so drift (CPU frequency, GC, the other engineers' load) hits every arm alike
  const times = { bare: [], ...Object.fromEntries(subjects.map((subject) => [subject.name, []])) };
  for (let round = 0; round < 10; round++) {
    times.bare.push(...(await timeEach(runs / 10, bare)));
    for (const subject of subjects) times[subject.name].push(...(await timeEach(runs / 10, subject.run)));
  }
  for (const subject of subjects) subject.close();
  await agent.close();
  await server.close();
  fs.rmSync(work, { recursive: true, force: true });
  return times;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const option = (name) => {
    const index = process.argv.indexOf(name);
    return index === -1 ? undefined : process.argv[index + 1];
  };
  const runs = Number(option('--runs') ?? 1000);
  const arms = [{ name: 'portai', dist: path.join(root, 'dist') }];
  if (option('--before')) arms.push({ name: 'before', dist: path.resolve(option('--before')) });
  const times = await fullPathBench({ runs, arms, say: (line) => process.stderr.write(`${line}\n`) });
  const bare50 = percentile(times.bare, 50);
  for (const arm of arms) {
    const p50 = percentile(times[arm.name], 50);
    process.stdout.write(`${arm.name}: full path overhead p50 ${formatMs(p50 - bare50)} (runner p50 ${formatMs(p50)}, bare p50 ${formatMs(bare50)}, p99 added ${formatMs(percentile(times[arm.name], 99) - percentile(times.bare, 99))})\n`);
  }
}
