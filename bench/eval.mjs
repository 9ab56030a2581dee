// The eval benchmark: throughput and cost of `portai eval` against a baseline measured in the same run.
// - throughput: case runs per second of runEval (render, plan, guards, reserve, send, check, store evidence) against
//   the same number of ordinary one-step runs through runSkill, interleaved in rounds on one loopback server
// - cost: requests sent per case run against what `eval --dry-run` predicted, and USD spent
// - the reserve: a deferred eval wanting more than the day allows, worked by the worker on an injected clock: the
//   requests it took of the day's limit, and whether every ordinary run after it still got its request
// Alone: `node bench/eval.mjs [--dist <folder>]` (after `npm run build`); `npm run bench` runs it too.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startLoopback } from './loopback.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = 10;
const PER_ROUND = 40;
const DAY_LIMIT = 100;
const EVAL_WANTS = 120;
const ORDINARY_AFTER = 20;
const NOON = Date.UTC(2026, 10, 26, 12);

export async function evalBench(dist = path.join(HERE, '..', 'dist')) {
  const load = (file) => import(pathToFileURL(path.join(dist, file)).href);
  const [{ loadConfig }, { loadSkill }, { openLedger }, { runSkill }, { silentProgress }, evals, { runWorker }, { deferEval }] = await Promise.all([
    load('config/index.js'), load('skills/index.js'), load('ledger/index.js'), load('runner/run-skill.js'), load('runner/progress.js'),
    load('evals/index.js'), load('queue/index.js'), load('queue/eval-job.js'),
  ]);
  const server = await startLoopback();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-bench-eval-'));
  try {
    fs.mkdirSync(path.join(work, 'skills'));
    const provider = (limits) => `skills: ./skills\nbudget: { usd_per_day: 0 }\nproviders:\n  local:\n    preset: openai-compatible\n    base_url: ${server.url}/v1\n    api_key_env: BENCH_KEY\n    billing: free\n    limits: ${limits}\n    models: [{ id: bench-model, context: 32000 }]\nroutes:\n  - use: [local/*]\n`;
    const env = { HOME: work, BENCH_KEY: 'sk-bench-not-a-real-key' };
    // the loopback answers "A short answer." to everything: the case passes, the ordinary run succeeds
    const skillText = `name: checked\noutcome: A short answer.\nprivacy: public\ninputs:\n  n: { type: integer }\nsteps:\n  - id: a\n    prompt: "Question {{n}}"\ntests:\n  cases:\n    - id: short\n      inputs: { n: 1 }\n      assert:\n        - { type: icontains, value: short }\n        - { type: max-length, value: 200 }\n`;
    const skillFile = path.join(work, 'skills', 'checked.yaml');
    fs.writeFileSync(skillFile, skillText);
    fs.writeFileSync(path.join(work, 'portai.yaml'), provider('{ requests_per_minute: 100000000, requests_per_day: 100000000 }'));
    const config = loadConfig({ env, cwd: work });
    const skill = loadSkill(skillFile);
    const tests = evals.loadSkillTests(skill);
    const models = ['local/bench-model'];

    // throughput, interleaved so drift hits both alike; each side its own ledger
    const runLedger = openLedger(path.join(work, 'state-runs'));
    const evalLedger = openLedger(path.join(work, 'state-evals'));
    const time = async (fn) => {
      const start = performance.now();
      await fn();
      return performance.now() - start;
    };
    let runMs = 0;
    let evalMs = 0;
    let counter = 0;
    const ordinary = async (count) => {
      for (let index = 0; index < count; index++) {
        const result = await runSkill({ config, ledger: runLedger, skill, given: { n: String(counter++) }, env, progress: silentProgress });
        if (result.status !== 'ok') throw new Error(`ordinary run ${result.status}`);
      }
    };
    let predicted = 0;
    let caseRuns = 0;
    let passed = 0;
    let cost = 0;
    const evaluate = async (count) => {
      predicted += evals.evalDryRun({ config, ledger: evalLedger, skill, tests, models, repeat: count, env }).providers.reduce((sum, item) => sum + item.requests, 0);
      const report = await evals.runEval({ config, ledger: evalLedger, skill, tests, models, repeat: count, env, progress: silentProgress });
      caseRuns += report.runs.length;
      passed += report.summary[0].passed;
      cost += report.summary[0].cost_usd;
    };
    await ordinary(20);
    await evaluate(20);
    predicted = caseRuns = passed = 0;
    cost = 0;
    for (let round = 0; round < ROUNDS; round++) {
      runMs += await time(() => ordinary(PER_ROUND));
      evalMs += await time(() => evaluate(PER_ROUND));
    }
    const sent = evalLedger.db.sqlite.prepare("SELECT COUNT(*) AS n FROM attempts WHERE run_id LIKE 'eval-%'").get().n - 20;
    runLedger.close();
    evalLedger.close();
    const total = ROUNDS * PER_ROUND;
    const runRate = total / (runMs / 1000);
    const evalRate = caseRuns / (evalMs / 1000);

    // the reserve: the day allows DAY_LIMIT, the deferred eval wants EVAL_WANTS, then ORDINARY_AFTER ordinary runs
    fs.writeFileSync(path.join(work, 'portai.yaml'), provider(`{ requests_per_day: ${DAY_LIMIT} }`));
    const limited = loadConfig({ env, cwd: work });
    const ledger = openLedger(path.join(work, 'state-reserve'));
    let now = NOON;
    const clock = () => now++;
    deferEval(ledger, skill, { models, repeat: EVAL_WANTS }, now);
    await runWorker({ config: limited, ledger, env, progress: silentProgress, once: true, clock, sleep: async () => {} });
    const evalTook = ledger.db.sqlite.prepare("SELECT COUNT(*) AS n FROM attempts WHERE run_id LIKE 'eval-%'").get().n;
    const waiting = ledger.listJobs().filter((job) => job.kind === 'eval' && job.state === 'waiting').length;
    let ordinaryOk = 0;
    for (let index = 0; index < ORDINARY_AFTER; index++) {
      const result = await runSkill({ config: limited, ledger, skill, given: { n: String(index) }, env, progress: silentProgress, clock });
      if (result.status === 'ok') ordinaryOk++;
    }
    ledger.close();

    return {
      throughput: { eval_case_runs_per_s: evalRate, ordinary_runs_per_s: runRate, ratio: evalRate / runRate, case_runs: caseRuns, passed },
      cost: { requests_sent: sent, requests_predicted: predicted, per_case_run: sent / caseRuns, usd: cost },
      reserve: { day_limit: DAY_LIMIT, eval_wanted: EVAL_WANTS, eval_took: evalTook, eval_waiting: waiting, ordinary_after: ORDINARY_AFTER, ordinary_ok: ordinaryOk },
    };
  } finally {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The figures for run.mjs's table: [name, value, target, met, detail]. */
export function evalFigures(result) {
  const { throughput, cost, reserve } = result;
  return [
    ['eval throughput vs ordinary runs', throughput.ratio.toFixed(2), '≥ 0.8', throughput.ratio >= 0.8,
      `${throughput.eval_case_runs_per_s.toFixed(0)} case runs/s (${throughput.passed}/${throughput.case_runs} passed) vs ${throughput.ordinary_runs_per_s.toFixed(0)} one-step runs/s, loopback answering at once`],
    ['eval cost: requests per case run', cost.per_case_run.toFixed(2), '= dry-run estimate, $0', cost.requests_sent === cost.requests_predicted && cost.usd === 0,
      `${cost.requests_sent} sent, ${cost.requests_predicted} predicted by eval --dry-run, $${cost.usd.toFixed(4)}`],
    ['deferred eval: share of the day taken', `${reserve.eval_took}/${reserve.day_limit}`, '≤ 80 %, ordinary runs all served', reserve.eval_took <= 0.8 * reserve.day_limit && reserve.ordinary_ok === reserve.ordinary_after && reserve.eval_waiting === 1,
      `it wanted ${reserve.eval_wanted}, then waited for the reset; ${reserve.ordinary_ok}/${reserve.ordinary_after} ordinary runs after it got their request`],
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const index = process.argv.indexOf('--dist');
  const result = await evalBench(index >= 0 ? path.resolve(process.argv[index + 1]) : undefined);
  for (const [name, value, target, met, detail] of evalFigures(result)) process.stdout.write(`${name}: ${value} (target ${target}: ${met ? 'met' : 'NOT met'}) — ${detail}\n`);
}
