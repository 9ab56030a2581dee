// The yield benchmark: one simulated day of deferred chores on a free tier, with the worker on an injected clock
// against a loopback fake that enforces its own limits (failed requests counted, as OpenRouter does). Reports runs
// finished against the optimum for the scenario, requests wasted, paid calls and server-side quota errors.
// Alone: `node bench/yield.mjs [--dist <folder>] [--seeds 1,2,3]` (after `npm run build`); `npm run bench` runs it too.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY_START = Date.UTC(2026, 10, 26);
const DAY_END = DAY_START + 24 * HOUR;

// The scenario. Free pool: OpenRouter's 20/min and 50/day for `:free` models under 10 credits bought
// (https://openrouter.ai/docs/api-reference/limits; read via https://www.developersdigest.tech/rate-limits/openrouter), shared
// by a gone model, a flaky one (60 % upstream 429s) and a healthy one, listed in that (worst) order; a metered model
// last in the route with a $0 budget; a plan of 4 prompts per rolling 5 h, used up the evening before (until 04:00).
const FREE_PER_MINUTE = 20;
const FREE_PER_DAY = 50;
const PLAN_PROMPTS = 4;
const PLAN_HOURS = 5;
const PLAN_FREES_AT = DAY_START + 4 * HOUR;
const CHORES = 30;
const TWO_STEP = 30;
const FLAKY_FAILS = 0.6;

/** mulberry32: a small seeded PRNG, so every seed is the same day on every machine */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The optimum without knowing the future: every finished run costs one free request; learning that a model is gone
 * costs one and that one is flaky at least one; two-step runs are capped by the plan prompts the day can give
 * (PLAN_PROMPTS each time the window frees, from 04:00: 04, 09, 14, 19 h).
 */
export function optimum() {
  const planWindows = Math.ceil((DAY_END - PLAN_FREES_AT) / (PLAN_HOURS * HOUR));
  const planCapacity = planWindows * PLAN_PROMPTS;
  return Math.min(FREE_PER_DAY - 2, CHORES + Math.min(TWO_STEP, planCapacity));
}

function startFake(clock, rand) {
  const free = [];
  const plan = [DAY_START - HOUR, DAY_START - HOUR, DAY_START - HOUR, DAY_START - HOUR];
  const counts = { requests: 0, paid: 0, server_quota_errors: 0, catalog: 0, by_model: {} };
  const send = (response, status, body) => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };
  const answer = (model) => ({
    id: 'gen-yield', object: 'chat.completion', created: 1_790_000_000, model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'Done.' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 20, completion_tokens: 2, total_tokens: 22, cost: 0 },
  });
  const server = http.createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const now = clock();
      if (request.method === 'GET' && request.url.endsWith('/models')) {
        counts.catalog++;
        const listed = ['vendor/flaky:free', 'vendor/good:free'].map((id) => ({ id, pricing: { prompt: '0', completion: '0' }, context_length: 32000 }));
        return send(response, 200, { data: listed });
      }
      const model = JSON.parse(raw).model;
      counts.requests++;
      counts.by_model[model] = (counts.by_model[model] ?? 0) + 1;
      if (request.url.startsWith('/paid/')) {
        counts.paid++;
        return send(response, 200, answer(model));
      }
      if (request.url.startsWith('/plan/')) {
        const inWindow = plan.filter((at) => at > now - PLAN_HOURS * HOUR).length;
        plan.push(now);
        if (inWindow >= PLAN_PROMPTS) {
          counts.server_quota_errors++;
          return send(response, 429, { error: { code: 429, message: 'plan window used up' } });
        }
        return send(response, 200, answer(model));
      }
      // the free pool: every request counts, failed ones too
      const minute = free.filter((at) => at > now - MINUTE).length;
      const day = free.filter((at) => at >= DAY_START).length;
      free.push(now);
      if (day >= FREE_PER_DAY) {
        counts.server_quota_errors++;
        return send(response, 429, { error: { code: 429, message: 'Rate limit exceeded: free-models-per-day', metadata: { headers: { 'X-RateLimit-Reset': String(DAY_END) } } } });
      }
      if (minute >= FREE_PER_MINUTE) {
        counts.server_quota_errors++;
        return send(response, 429, { error: { code: 429, message: 'Rate limit exceeded: free-models-per-min' } });
      }
      if (model === 'vendor/gone:free') return send(response, 404, { error: { code: 404, message: `No endpoints found for ${model}.` } });
      if (model === 'vendor/flaky:free' && rand() < FLAKY_FAILS) {
        return send(response, 429, { error: { code: 429, message: 'Provider returned error', metadata: { raw: 'upstream busy', provider_name: 'Flaky' } } });
      }
      return send(response, 200, answer(model));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, counts, close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }) })));
}

async function simulateDay(dist, seed) {
  const load = (file) => import(pathToFileURL(path.join(dist, file)).href);
  const [{ loadConfig }, { loadSkill }, { openLedger }, { deferRun, runWorker }, { silentProgress }] = await Promise.all([
    load('config/index.js'), load('skills/index.js'), load('ledger/index.js'), load('queue/index.js'), load('runner/progress.js'),
  ]);
  let now = DAY_START;
  const clock = () => now;
  const rand = random(seed);
  const fake = await startFake(clock, random(seed * 7919));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-yield-'));
  try {
    fs.mkdirSync(path.join(work, 'skills'));
    fs.writeFileSync(path.join(work, 'portai.yaml'), `skills: ./skills
budget: { usd_per_day: 0 }
providers:
  or:
    preset: openrouter
    base_url: ${fake.url}/or/api/v1
    models: [ { id: vendor/gone:free }, { id: vendor/flaky:free }, { id: vendor/good:free } ]
  plan:
    preset: openai-compatible
    base_url: ${fake.url}/plan/v1
    api_key_env: YIELD_KEY
    billing: subscription
    limits: { windows: [ { hours: ${PLAN_HOURS}, requests: ${PLAN_PROMPTS} } ] }
    models: [ { id: thinker } ]
  paid:
    preset: openai-compatible
    base_url: ${fake.url}/paid/v1
    api_key_env: YIELD_KEY
    models: [ { id: meter, price: { input: 0.1, output: 0.4 }, max_output: 200 } ]
routes:
  - when: { effort: high }
    use: [plan/thinker]
  - use: [or/*, paid/meter]
`);
    const chore = `name: chore\noutcome: A short answer.\nprivacy: public\ninputs:\n  n: { type: integer }\nsteps:\n  - id: answer\n    prompt: "Chore {{n}}"\n`;
    const digest = `name: digest\noutcome: A digest.\nprivacy: public\ninputs:\n  n: { type: integer }\nsteps:\n  - id: gather\n    prompt: "Gather {{n}}"\n  - id: think\n    effort: high\n    prompt: "Think about {{steps.gather}}"\n`;
    fs.writeFileSync(path.join(work, 'skills', 'chore.yaml'), chore);
    fs.writeFileSync(path.join(work, 'skills', 'digest.yaml'), digest);
    const env = { HOME: work, OPENROUTER_API_KEY: 'sk-or-yield', YIELD_KEY: 'sk-yield' };
    const config = loadConfig({ env, cwd: work });
    const skills = { chore: loadSkill(path.join(work, 'skills', 'chore.yaml')), digest: loadSkill(path.join(work, 'skills', 'digest.yaml')) };
    const ledger = openLedger(path.join(work, 'state'));
    // the plan prompts the user spent the evening before, as the ledger saw them
    for (let index = 0; index < PLAN_PROMPTS; index++) {
      const at = DAY_START - HOUR;
      const reserved = ledger.reserve({ run_id: null, step_id: null, provider: 'plan', model: 'thinker', billing: 'subscription', weight: 1, reserved_usd: 0, now_ms: at + index }, [], () => null);
      ledger.finishAttempt(reserved.attempt_id, { status: 'ok', duration_ms: 1, now_ms: at + index + 1 });
    }
    const kinds = [...Array(CHORES).fill('chore'), ...Array(TWO_STEP).fill('digest')];
    for (let index = kinds.length - 1; index > 0; index--) {
      const other = Math.floor(rand() * (index + 1));
      [kinds[index], kinds[other]] = [kinds[other], kinds[index]];
    }
    kinds.forEach((kind, index) => deferRun({ config, ledger, skill: skills[kind], given: { n: String(index) }, env, clock }));

    const controller = new AbortController();
    const sleep = async (ms) => {
      now += Math.max(ms, 1);
      if (now >= DAY_END) controller.abort();
    };
    await runWorker({ config, ledger, env, progress: silentProgress, clock, sleep, signal: controller.signal, poll_ms: 5 * MINUTE });

    const jobs = ledger.listJobs();
    const done = new Set(jobs.filter((job) => job.state === 'done').map((job) => job.run_id));
    const attempts = ledger.db.sqlite.prepare("SELECT run_id, status FROM attempts WHERE run_id IS NOT NULL AND started_ms >= ?").all(DAY_START);
    const useful = attempts.filter((row) => row.status === 'ok' && done.has(row.run_id)).length;
    ledger.close();
    return {
      seed,
      done: done.size,
      optimum: optimum(),
      requests: fake.counts.requests,
      wasted: fake.counts.requests - useful,
      paid: fake.counts.paid,
      server_quota_errors: fake.counts.server_quota_errors,
      catalog_syncs: fake.counts.catalog,
      by_model: fake.counts.by_model,
      failed: jobs.filter((job) => job.state === 'failed').length,
      lost: jobs.filter((job) => !['done', 'waiting', 'queued', 'failed'].includes(job.state)).length,
    };
  } finally {
    await fake.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export async function yieldBench(dist = path.join(HERE, '..', 'dist'), seeds = [1, 2, 3, 4, 5]) {
  const days = [];
  for (const seed of seeds) days.push(await simulateDay(dist, seed));
  return days;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = (name) => {
    const index = process.argv.indexOf(name);
    return index >= 0 ? process.argv[index + 1] : undefined;
  };
  const days = await yieldBench(flag('--dist') ? path.resolve(flag('--dist')) : undefined, flag('--seeds')?.split(',').map(Number));
  for (const day of days) {
    process.stdout.write(`seed ${day.seed}: ${day.done}/${day.optimum} runs (${((100 * day.done) / day.optimum).toFixed(0)} % of optimum), ${day.requests} requests, ${day.wasted} wasted, ${day.paid} paid, ${day.server_quota_errors} server-side quota errors, ${day.failed} failed, ${day.lost} lost, ${day.catalog_syncs} catalog syncs; requests per model ${JSON.stringify(day.by_model)}\n`);
  }
}
