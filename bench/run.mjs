// portai benchmarks: `npm run bench` (builds first). Every figure is a ratio or a difference against a baseline
// measured in the same run on the same machine. Writes bench/results.json. Not part of `npm test`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { startLoopback } from './loopback.mjs';
import { percentile, median, formatMs } from './stats.mjs';
import { ledgerScale } from './ledger-scale.mjs';
import { yieldBench } from './yield.mjs';
import { proxyBench, CCR_VERSION } from './proxies.mjs';
import { evalBench, evalFigures } from './eval.mjs';
import { dashboardBench } from './dashboard.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => path.join(root, 'dist', file);
const { adapterFor, DEFAULT_TIMEOUTS } = await import(dist('wire/index.js'));
const { loadConfig } = await import(dist('config/index.js'));
const { loadSkill } = await import(dist('skills/index.js'));
const { openLedger } = await import(dist('ledger/index.js'));
const { runSkill } = await import(dist('runner/run-skill.js'));
const { silentProgress } = await import(dist('runner/progress.js'));
const { reserveAttempt } = await import(dist('runner/reserve-attempt.js'));
const { candidateFacts } = await import(dist('router/index.js'));
const { endpointFor } = await import(dist('runner/endpoint.js'));

const results = { machine: `${os.cpus()[0]?.model ?? 'unknown cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`, date: new Date().toISOString(), figures: {} };
const rows = [];
const say = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const report = (name, value, target, met, detail) => {
  results.figures[name] = { value, target, met, detail };
  // met null: a baseline for reading the others, not a target
  rows.push([name, value, target, met === null ? '—' : met ? 'yes' : 'NO', detail]);
  process.stderr.write(`  ${name}: ${value} (${detail})\n`);
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-bench-'));
const server = await startLoopback();
const KEY = 'sk-bench-not-a-real-key';
fs.mkdirSync(path.join(work, 'skills'));
fs.writeFileSync(
  path.join(work, 'portai.yaml'),
  `skills: ./skills\nproviders:\n  local:\n    preset: openai-compatible\n    base_url: ${server.url}/v1\n    api_key_env: BENCH_KEY\n    billing: free\n    limits: { requests_per_minute: 100000000, requests_per_day: 100000000, windows: [ { hours: 5, requests: 100000000 } ] }\n    models: [{ id: bench-model, context: 32000 }]\nroutes:\n  - use: [local/*]\n`,
);
const step = (id, prompt) => `  - id: ${id}\n    prompt: "${prompt}"\n`;
fs.writeFileSync(path.join(work, 'skills', 'one.yaml'), `name: one\noutcome: A short answer.\nprivacy: public\ninputs:\n  n: { type: integer }\nsteps:\n${step('a', 'Question {{n}}')}`);
fs.writeFileSync(path.join(work, 'skills', 'three.yaml'), `name: three\noutcome: A short answer.\nprivacy: public\ninputs:\n  n: { type: integer }\nsteps:\n${step('a', 'Question {{n}}')}${step('b', 'Then {{steps.a}}')}${step('c', 'Finally {{steps.b}}')}`);
const env = { HOME: work, BENCH_KEY: KEY };
const config = loadConfig({ env, cwd: work });
const skill = loadSkill(path.join(work, 'skills', 'one.yaml'));
// Each measurement gets its own ledger: the full path reads today's attempts, so a ledger the earlier
// measurements filled would make a figure depend on the order they ran in (ledger scale measures the growth).
let ledger = openLedger(path.join(work, 'state-warm-up'));
const freshLedger = (name) => {
  ledger.close();
  ledger = openLedger(path.join(work, name));
};

// The baseline: what a hand-written client would do — the same bytes portai sends (checked against the loopback's
// view of a portai request), the same keep-alive Agent settings and timeouts as src/wire/http.ts.
const payload = { model: 'bench-model', messages: [{ role: 'system', content: 'The desired outcome of this task: A short answer.' }, { role: 'user', content: 'Question 1' }], stream: false };
const agent = new Agent({ connect: { timeout: DEFAULT_TIMEOUTS.connect_ms }, keepAliveTimeout: 30_000 });
async function bare() {
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
}
const { provider: benchProvider, model: benchModel } = candidateFacts(config, 'local/bench-model');
const endpoint = endpointFor(benchProvider, benchModel, KEY);
const wireRequest = { model: 'bench-model', messages: [{ role: 'system', content: 'The desired outcome of this task: A short answer.' }, { role: 'user', content: 'Question 1' }], effort: 'low', privacy: 'public', free_only: false };
const viaWire = () => adapterFor('openai-chat').send(endpoint, wireRequest);
let counter = 0;
const viaRunner = () => runSkill({ config, ledger, skill, given: { n: String(counter++) }, env, progress: silentProgress });

async function timeEach(count, fn) {
  const times = [];
  for (let index = 0; index < count; index++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

/** Interleave the two so drift (CPU frequency, GC) hits both alike. */
async function paired(count, baseline, subject) {
  const a = [];
  const b = [];
  for (let round = 0; round < 10; round++) {
    a.push(...(await timeEach(count / 10, baseline)));
    b.push(...(await timeEach(count / 10, subject)));
  }
  return { baseline: a, subject: b };
}

say('warming up…');
await timeEach(200, bare);
await timeEach(200, viaWire);
await timeEach(100, viaRunner);

say('dispatch overhead (wire layer vs bare undici), 2,000 sequential requests each');
{
  const { baseline, subject } = await paired(2000, bare, viaWire);
  const p50 = percentile(subject, 50) - percentile(baseline, 50);
  const p99 = percentile(subject, 99) - percentile(baseline, 99);
  report('dispatch overhead p50', formatMs(p50), '≤ 0.3 ms', p50 <= 0.3, `bare p50 ${formatMs(percentile(baseline, 50))}, p99 added ${formatMs(p99)}`);
}

say('full path overhead (runner: render, plan, guards, ledger writes) vs bare undici, 1,000 runs');
{
  freshLedger('state-full-path');
  const { baseline, subject } = await paired(1000, bare, viaRunner);
  const p50 = percentile(subject, 50) - percentile(baseline, 50);
  report('full path overhead p50', formatMs(p50), '≤ 1 ms', p50 <= 1, `bare p50 ${formatMs(percentile(baseline, 50))}, runner p50 ${formatMs(percentile(subject, 50))}, p99 added ${formatMs(percentile(subject, 99) - percentile(baseline, 99))}`);
}

say(`proxies: direct vs portai serve vs claude-code-router ${CCR_VERSION}, each its own process, one load generator, arms alternating`);
{
  // BENCH_BEFORE_DIST=<a dist folder built from an older commit>: that build runs as one more arm, for before/after
  const extraPortai = process.env.BENCH_BEFORE_DIST ? [{ name: 'portai-before', dist: path.resolve(process.env.BENCH_BEFORE_DIST) }] : [];
  const phases = [
    { name: 'one in flight', delay_ms: 0, in_flight: 1, rounds: 5, requests: 400 },
    { name: '16 in flight, 5 ms', delay_ms: 5, in_flight: 16, rounds: 5, requests: 1000 },
    { name: '64 in flight, 5 ms', delay_ms: 5, in_flight: 64, rounds: 7, requests: 1500 },
    { name: '64 in flight, 100 ms', delay_ms: 100, in_flight: 64, rounds: 3, requests: 640 },
  ];
  const measured = await proxyBench({ say, phases, extraPortai });
  const { results: byPhase, bytes, peak_rss_mib: peak } = measured;
  const rate = (phase, arm) => median(byPhase[phase][arm].rates);
  const p = (phase, arm, q) => percentile(byPhase[phase][arm].latencies, q);
  const portaiArms = ['portai', ...extraPortai.map((arm) => arm.name)];
  results.proxies = { ccr_version: CCR_VERSION, phases: {}, bytes, peak_rss_mib: peak };
  for (const [phase, byArm] of Object.entries(byPhase)) {
    results.proxies.phases[phase] = Object.fromEntries(Object.entries(byArm).map(([arm, data]) => [arm, { requests_per_s: median(data.rates), rates: data.rates.map((value) => Math.round(value)), p50_ms: percentile(data.latencies, 50), p99_ms: percentile(data.latencies, 99), rss_mib: data.rss_mib, cpu_ms_per_request: data.cpu_ms_per_request }]));
    say(`  ${phase}: ${Object.entries(byArm).map(([arm, data]) => `${arm} ${median(data.rates).toFixed(0)} req/s p50 ${formatMs(percentile(data.latencies, 50))} p99 ${formatMs(percentile(data.latencies, 99))}`).join('; ')}`);
  }
  {
    // what any Node proxy costs here: the targets below are read against it
    const added = p('one in flight', 'floor', 50) - p('one in flight', 'direct', 50);
    const cpu = median(byPhase['64 in flight, 5 ms'].floor.cpu_ms_per_request);
    report('floor (bare Node pass-through): added p50, one in flight', formatMs(added), '—', null, `${formatMs(cpu)} of CPU per request at 64 in flight; ${rate('64 in flight, 5 ms', 'floor').toFixed(0)} req/s at 64 in flight, 5 ms (direct ${rate('64 in flight, 5 ms', 'direct').toFixed(0)}); ${(rate('64 in flight, 100 ms', 'floor') / rate('64 in flight, 100 ms', 'direct')).toFixed(2)} of direct at 100 ms`);
  }
  for (const name of portaiArms) {
    const label = name === 'portai' ? 'serve' : `serve (${name})`;
    const added = p('one in flight', name, 50) - p('one in flight', 'direct', 50);
    report(`${label}: added p50, one in flight`, formatMs(added), '≤ 0.5 ms', added <= 0.5, `direct p50 ${formatMs(p('one in flight', 'direct', 50))}, ${name} ${formatMs(p('one in flight', name, 50))}, ccr ${formatMs(p('one in flight', 'ccr', 50))} (+${formatMs(p('one in flight', 'ccr', 50) - p('one in flight', 'direct', 50))}); p99 ${formatMs(p('one in flight', name, 99))}`);
    for (const phase of ['16 in flight, 5 ms', '64 in flight, 5 ms']) {
      const ratio = rate(phase, name) / rate(phase, 'ccr');
      report(`${label} vs ccr, ${phase}`, `${ratio.toFixed(2)}×`, '≥ 2×', ratio >= 2, `${name} ${rate(phase, name).toFixed(0)} req/s (p50 ${formatMs(p(phase, name, 50))}, p99 ${formatMs(p(phase, name, 99))}), ccr ${rate(phase, 'ccr').toFixed(0)} req/s (p50 ${formatMs(p(phase, 'ccr', 50))}), direct ${rate(phase, 'direct').toFixed(0)} req/s`);
    }
    // the proxy's own CPU per request (from /proc): on a 2-core machine the load generator and the upstream share the
    // CPU with the proxy, so requests/s says how much room each proxy leaves them; this says what each one costs
    {
      const phase = '64 in flight, 5 ms';
      const cpu = (arm) => median(byPhase[phase][arm].cpu_ms_per_request);
      const ratio = cpu('ccr') / cpu(name);
      report(`${label} vs ccr, CPU per request, ${phase}`, `${ratio.toFixed(2)}× less`, '≥ 2× less', ratio >= 2, `${name} ${formatMs(cpu(name))} of CPU per request, ccr ${formatMs(cpu('ccr'))}`);
    }
    const slow = '64 in flight, 100 ms';
    const ratio = rate(slow, name) / rate(slow, 'direct');
    report(`${label} vs direct, ${slow}`, ratio.toFixed(2), '≥ 0.8', ratio >= 0.8, `${name} ${rate(slow, name).toFixed(0)} req/s, direct ${rate(slow, 'direct').toFixed(0)} req/s, ccr ${rate(slow, 'ccr').toFixed(0)} req/s`);
    const series = phases.flatMap((phase) => byPhase[phase.name][name].rss_mib);
    const sent = bytes[name].requests;
    const last = series.at(-1);
    const middle = series[Math.floor(series.length / 2)];
    const growing = last > middle * 1.05;
    report(`${label}: RSS after ${sent.toLocaleString('en')} requests`, `${last.toFixed(0)} MiB`, '≤ 100 MiB, not growing', last <= 100 && !growing, `peak ${peak[name]?.toFixed(0)} MiB; mid-run ${middle.toFixed(0)} MiB${growing ? ' (growing)' : ''}; ccr peak ${peak.ccr?.toFixed(0)} MiB`);
  }
  const differences = Object.entries(bytes).filter(([, seen]) => seen.body_differences_from_portai.length > 0);
  report('upstream bytes: every arm sent portai\'s body', differences.length === 0 ? 'identical' : 'differ', 'identical', differences.length === 0, differences.length === 0 ? 'direct, portai and ccr bodies byte for byte' : differences.map(([arm, seen]) => `${arm}: ${seen.body_differences_from_portai.join(', ')}`).join('; '));
}

say('cold start, median of 15 runs each, and the modules each command loads');
{
  const childEnv = { ...process.env, HOME: work, PORTAI_HOME: path.join(work, 'cold-state'), BENCH_KEY: KEY, NO_COLOR: '1' };
  const once = (args, extraEnv = {}) => {
    const start = performance.now();
    const child = spawnSync(process.execPath, args, { cwd: work, env: { ...childEnv, ...extraEnv }, encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
    return performance.now() - start;
  };
  const commands = [['-e', '0'], [dist('cli/main.js'), '--version'], [dist('cli/main.js'), 'run', 'skill', 'one', '-i', 'n=1', '--dry-run']];
  // round-robin, so a burst of load on the machine hits the baseline and the subjects alike
  const times = commands.map(() => []);
  for (let round = 0; round < 15; round++) commands.forEach((args, index) => times[index].push(once(args)));
  const [nodeOnly, version, dryRun] = times.map(median);
  const modules = (args) => {
    const file = path.join(work, 'modules.json');
    once(['--import', path.join(root, 'bench', 'count-modules.mjs'), ...args], { BENCH_MODULE_COUNT: file });
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  };
  const [versionModules, dryRunModules] = [commands[1], commands[2]].map(modules);
  results.cold_start_modules = { '--version': versionModules, 'run --dry-run': dryRunModules };
  report('cold start --version', `${(version / nodeOnly).toFixed(2)}×`, '≤ 1.5×', version / nodeOnly <= 1.5, `node -e 0 ${formatMs(nodeOnly)}, portai --version ${formatMs(version)}; ${versionModules.total} modules (${versionModules.esm} ES, ${versionModules.cjs} CommonJS)`);
  report('cold start run --dry-run', `${(dryRun / nodeOnly).toFixed(2)}×`, '≤ 3×', dryRun / nodeOnly <= 3, `portai run skill one --dry-run ${formatMs(dryRun)}; ${dryRunModules.total} modules (${dryRunModules.esm} ES, ${dryRunModules.cjs} CommonJS)`);
}

say('ledger scale: quota check + reservation on an empty ledger and with 1,000, 10,000 and 100,000 attempts recorded');
{
  const scale = await ledgerScale({ openLedger, reserveAttempt, config, env, work, dist });
  results.ledger_scale = scale;
  const [empty, ...filled] = scale;
  const largest = filled.at(-1);
  const ratio = largest.median_ms / empty.median_ms;
  report(`ledger check + reserve, ${largest.attempts.toLocaleString('en')} attempts`, `${ratio.toFixed(2)}× empty`, '≤ 1.2× empty', ratio <= 1.2, `empty ${formatMs(empty.median_ms)}; ${filled.map((row) => `${row.attempts.toLocaleString('en')} (${row.today.toLocaleString('en')} today) ${formatMs(row.median_ms)}`).join(', ')}`);
}

await (await import('./ledger-postgres.mjs')).benchLedgerPostgres({ report, say, work: path.join(work, 'pg') });

say('dashboard: one read of each page with 10,000 and 100,000 attempts, against `portai usage --json`\'s report');
{
  const figures = await dashboardBench(work);
  for (const page of ['quota', 'spend', 'models']) {
    const large = figures[100000];
    const ratio = large[page] / large.usage;
    report(`dashboard ${page} read (100k attempts)`, `${ratio.toFixed(1)}× usage`, '≤ 25×', ratio <= 25, `${formatMs(large[page])} vs usage ${formatMs(large.usage)}; with 10k attempts ${formatMs(figures[10000][page])}`);
  }
}

say('memory: peak RSS of a three-step skill run');
{
  const script = `
    const [{ loadConfig }, { loadSkill }, { openLedger }, { runSkill }, { silentProgress }] = await Promise.all([
      import(${JSON.stringify(dist('config/index.js'))}), import(${JSON.stringify(dist('skills/index.js'))}), import(${JSON.stringify(dist('ledger/index.js'))}),
      import(${JSON.stringify(dist('runner/run-skill.js'))}), import(${JSON.stringify(dist('runner/progress.js'))})]);
    const env = { HOME: ${JSON.stringify(work)}, BENCH_KEY: 'k' };
    const config = loadConfig({ env, cwd: ${JSON.stringify(work)} });
    const ledger = openLedger(${JSON.stringify(path.join(work, 'mem-state'))});
    const result = await runSkill({ config, ledger, skill: loadSkill(${JSON.stringify(path.join(work, 'skills', 'three.yaml'))}), given: { n: '1' }, env, progress: silentProgress });
    if (result.status !== 'ok') throw new Error(result.status);
    console.log(process.resourceUsage().maxRSS);`;
  // asynchronous: the child's requests go to the loopback server in this process, which must keep answering
  const rss = (args) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(Number(out.trim()) / 1024) : reject(new Error(`memory child exited ${code}`))));
    });
  const baseline = await rss(['--input-type=module', '-e', 'console.log(process.resourceUsage().maxRSS)']);
  const peak = await rss(['--input-type=module', '-e', script]);
  report('peak RSS, three-step run', `${peak.toFixed(0)} MiB`, '< 120 MiB', peak < 120, `node -e baseline ${baseline.toFixed(0)} MiB (+${(peak - baseline).toFixed(0)} MiB)`);
}

{
  say('yield: a simulated free day per seed (bench/yield.mjs)');
  const days = await yieldBench(undefined, [1, 2, 3]);
  const worst = Math.min(...days.map((day) => day.done / day.optimum));
  const bad = days.reduce((sum, day) => sum + day.paid + day.server_quota_errors + day.failed + day.lost, 0);
  report('yield: runs done vs optimum, worst of 3 seeds', `${(100 * worst).toFixed(0)} %`, '≥ 95 %, 0 paid/quota errors/failed/lost', worst >= 0.95 && bad === 0,
    days.map((day) => `seed ${day.seed}: ${day.done}/${day.optimum}, ${day.wasted} wasted, ${day.paid} paid, ${day.server_quota_errors} quota errors, ${day.failed} failed, ${day.lost} lost`).join('; '));
}

say('eval: throughput and cost of portai eval, and the deferred eval reserve (bench/eval.mjs)');
for (const figure of evalFigures(await evalBench())) report(...figure);

ledger.close();
await agent.close();
await server.close();
fs.rmSync(work, { recursive: true, force: true });

const widths = [0, 1, 2, 3, 4].map((column) => Math.max(...[['figure', 'value', 'target', 'met', 'baseline / detail'], ...rows].map((row) => String(row[column]).length)));
const line = (row) => row.map((cell, column) => String(cell).padEnd(widths[column])).join('  ');
process.stdout.write(`\nportai benchmarks — ${results.machine}\n\n${line(['figure', 'value', 'target', 'met', 'baseline / detail'])}\n${line(widths.map((width) => '-'.repeat(width)))}\n${rows.map(line).join('\n')}\n`);
fs.writeFileSync(path.join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write('\nwritten: bench/results.json\n');
