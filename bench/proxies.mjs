// portai serve beside claude-code-router, each as its own process, driven by one load generator (bench/load.mjs,
// a process of its own) against one fake upstream process (bench/upstream.mjs) that gives each arm its own port:
//   direct — the load generator posts portai's own upstream bytes straight to the upstream (the floor)
//   portai — Anthropic /v1/messages to `portai serve`, translated to OpenAI chat
//   ccr    — the same Anthropic request to claude-code-router 1.0.73, which translates it too
//   floor  — portai's upstream bytes through a bare Node pass-through proxy (bench/floor-proxy.mjs): one Node hop
// ccr is installed on first use into bench/.cache/ccr (gitignored); it is never a dependency of portai.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
export const CCR_VERSION = '1.0.73';
const ccrFolder = path.join(here, '.cache', 'ccr');
const ccrCli = path.join(ccrFolder, 'node_modules', '@musistudio', 'claude-code-router', 'dist', 'cli.js');
const KEY = 'sk-bench-not-a-real-key';
const ANTHROPIC_BODY = JSON.stringify({ model: 'claude-3-5-haiku-20241022', max_tokens: 64, messages: [{ role: 'user', content: 'Question 1' }] });

function ensureCcr(say) {
  const installed = path.join(ccrFolder, 'node_modules', '@musistudio', 'claude-code-router', 'package.json');
  if (fs.existsSync(installed) && JSON.parse(fs.readFileSync(installed, 'utf8')).version === CCR_VERSION) return;
  say(`installing @musistudio/claude-code-router@${CCR_VERSION} into bench/.cache/ccr (first run only)`);
  fs.mkdirSync(ccrFolder, { recursive: true });
  const npm = spawnSync('npm', ['install', '--prefix', ccrFolder, '--no-audit', '--no-fund', '--no-save', `@musistudio/claude-code-router@${CCR_VERSION}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (npm.status !== 0) throw new Error(`npm install of claude-code-router failed (${npm.status})`);
}

const freePort = () =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Start a process and resolve once `ready(output)` says so (output is stdout + stderr so far). */
function startProcess(command, args, options, ready, label, timeoutMs = 30_000) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not finish within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const check = async () => {
      const value = await ready(output);
      if (value) {
        clearTimeout(timer);
        resolve({ child, value, output: () => output });
      }
    };
    for (const stream of [child.stdout, child.stderr]) stream.setEncoding('utf8').on('data', (chunk) => { output += chunk; check(); });
    child.on('exit', (code) => reject(new Error(`${label} exited with ${code}:\n${output}`)));
    check();
  });
}

const portOpen = (port) =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });

async function waitForPort(port, child, label) {
  for (let tries = 0; tries < 300; tries++) {
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}`);
    if (await portOpen(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${label} did not listen on ${port}`);
}

async function seen(port) {
  const response = await fetch(`http://127.0.0.1:${port}/__bench/seen`);
  const { count, first } = await response.json();
  return { count, first: first && { ...first, body: Buffer.from(first.body, 'base64').toString('utf8') } };
}

/** What differs between two JSON bodies, field by field (top level and one level down). */
function bodyDifferences(reference, other) {
  if (reference === other) return [];
  let a;
  let b;
  try {
    a = JSON.parse(reference);
    b = JSON.parse(other);
  } catch {
    return ['not JSON'];
  }
  const differences = [];
  const walk = (x, y, prefix) => {
    for (const key of new Set([...Object.keys(x ?? {}), ...Object.keys(y ?? {})])) {
      const left = x?.[key];
      const right = y?.[key];
      if (JSON.stringify(left) === JSON.stringify(right)) continue;
      if (left && right && typeof left === 'object' && typeof right === 'object' && !prefix) walk(left, right, `${key}.`);
      else differences.push(right === undefined ? `${prefix}${key} only in portai's` : left === undefined ? `${prefix}${key}: ${JSON.stringify(right)} added` : `${prefix}${key}: ${JSON.stringify(left)} vs ${JSON.stringify(right)}`);
    }
  };
  walk(a, b, '');
  if (differences.length === 0) differences.push('same JSON, other bytes (key order or spacing)');
  return differences;
}

/**
 * phases: [{ name, delay_ms, in_flight, rounds, requests }]; extraPortai: [{ name, dist }] more portai builds to
 * run as arms (an older build, for before/after in the same run).
 */
export async function proxyBench({ say, phases, extraPortai = [] }) {
  ensureCcr(say);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-proxies-'));
  const processes = [];
  try {
    const portaiArms = [{ name: 'portai', dist: path.join(root, 'dist') }, ...extraPortai];
    const armNames = ['direct', 'floor', ...portaiArms.map((arm) => arm.name), 'ccr'];
    const upstream = await startProcess(process.execPath, [path.join(here, 'upstream.mjs'), ...armNames], {}, (output) => (output.includes('\n') ? JSON.parse(output.split('\n')[0]).arms : null), 'fake upstream');
    processes.push(upstream.child);
    const ports = upstream.value;
    const control = Object.values(ports).map((port) => `http://127.0.0.1:${port}`);

    const arms = [];
    for (const portaiArm of portaiArms) {
      const folder = path.join(work, portaiArm.name);
      fs.mkdirSync(folder);
      fs.writeFileSync(
        path.join(folder, 'portai.yaml'),
        `providers:\n  local:\n    preset: openai-compatible\n    base_url: http://127.0.0.1:${ports[portaiArm.name]}/v1\n    api_key_env: BENCH_KEY\n    billing: free\n` +
          `    limits: { requests_per_minute: 100000000, requests_per_day: 100000000, windows: [ { hours: 5, requests: 100000000 } ] }\n    models: [{ id: bench-model, context: 32000 }]\n` +
          `serve:\n  privacy: public\n  models:\n    "*haiku*": { effort: low }\nroutes:\n  - use: [local/*]\n`,
      );
      const env = { PATH: process.env.PATH, HOME: folder, PORTAI_HOME: path.join(folder, 'state'), BENCH_KEY: KEY, NO_COLOR: '1' };
      const port = await freePort();
      // BENCH_CPU_PROF=<folder>: a CPU profile of each portai serve; BENCH_NODE_FLAGS: node flags for it (heap sizes, say)
      const profile = [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []), ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : [])];
      const started = await startProcess(process.execPath, [...profile, path.join(portaiArm.dist, 'cli', 'main.js'), 'serve', '--port', String(port), '--config', path.join(folder, 'portai.yaml')], { cwd: folder, env }, (output) => output.includes('listening on'), `portai serve (${portaiArm.name})`);
      processes.push(started.child);
      const token = fs.readFileSync(path.join(folder, 'state', 'serve-token'), 'utf8').trim();
      arms.push({ name: portaiArm.name, url: `http://127.0.0.1:${port}/v1/messages`, headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': token }, body: ANTHROPIC_BODY, pid: started.child.pid });
    }

    // claude-code-router: its config in a temp HOME, no logs (its default logs every request at debug level)
    const ccrHome = path.join(work, 'ccr-home');
    fs.mkdirSync(path.join(ccrHome, '.claude-code-router'), { recursive: true });
    const ccrPort = await freePort();
    fs.writeFileSync(
      path.join(ccrHome, '.claude-code-router', 'config.json'),
      JSON.stringify({ LOG: false, HOST: '127.0.0.1', PORT: ccrPort, APIKEY: 'bench-ccr-key', NON_INTERACTIVE_MODE: true, API_TIMEOUT_MS: 60_000,
        Providers: [{ name: 'local', api_base_url: `http://127.0.0.1:${ports.ccr}/v1/chat/completions`, api_key: KEY, models: ['bench-model'] }],
        Router: { default: 'local,bench-model' } }, null, 2),
    );
    const ccr = spawn(process.execPath, [ccrCli, 'start'], { cwd: ccrHome, env: { PATH: process.env.PATH, HOME: ccrHome, CI: 'true' }, stdio: ['ignore', 'ignore', 'ignore'] });
    processes.push(ccr);
    await waitForPort(ccrPort, ccr, 'claude-code-router');
    arms.push({ name: 'ccr', url: `http://127.0.0.1:${ccrPort}/v1/messages`, headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'bench-ccr-key' }, body: ANTHROPIC_BODY, pid: ccr.pid });

    // one request through portai, so the direct arm can send exactly the bytes portai sent upstream
    const probe = await fetch(arms[0].url, { method: 'POST', headers: arms[0].headers, body: ANTHROPIC_BODY });
    if (probe.status !== 200) throw new Error(`portai serve answered ${probe.status}: ${await probe.text()}`);
    const portaiFirst = (await seen(ports.portai)).first;
    const directHeaders = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };
    arms.unshift({ name: 'direct', url: `http://127.0.0.1:${ports.direct}/v1/chat/completions`, headers: directHeaders, body: portaiFirst.body });
    const floor = await startProcess(process.execPath, [path.join(here, 'floor-proxy.mjs'), String(ports.floor)], {}, (output) => (output.includes('\n') ? JSON.parse(output.split('\n')[0]).port : null), 'floor proxy');
    processes.push(floor.child);
    arms.splice(1, 0, { name: 'floor', url: `http://127.0.0.1:${floor.value}/v1/chat/completions`, headers: directHeaders, body: portaiFirst.body, pid: floor.child.pid });

    const plan = { arms, phases: phases.map((phase) => ({ ...phase, control })) };
    const load = await startProcess(process.execPath, [path.join(here, 'load.mjs'), JSON.stringify(plan)], {}, (output) => (output.includes('\n') ? output : null), 'load generator', 30 * 60_000);
    const results = JSON.parse(load.value.split('\n')[0]);
    const bytes = {};
    for (const name of armNames) {
      const { count, first } = await seen(ports[name]);
      bytes[name] = { requests: count, path: first?.path, body_differences_from_portai: first ? bodyDifferences(portaiFirst.body, first.body) : ['nothing received'] };
    }
    const peak = {};
    for (const arm of arms) {
      if (!arm.pid) continue;
      try {
        peak[arm.name] = Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${arm.pid}/status`, 'utf8'))[1]) / 1024;
      } catch {
        peak[arm.name] = null;
      }
    }
    return { results, bytes, peak_rss_mib: peak, portai_upstream_body: portaiFirst.body };
  } finally {
    for (const child of processes.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// node bench/proxies.mjs: this comparison alone, quick settings
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const say = (line) => process.stderr.write(`${line}\n`);
  const out = await proxyBench({ say, phases: [{ name: 'p64-5ms', delay_ms: 5, in_flight: 64, rounds: 3, requests: 1000 }, { name: 'p1-0ms', delay_ms: 0, in_flight: 1, rounds: 3, requests: 300 }] });
  const { percentile } = await import('./stats.mjs');
  for (const [phase, byArm] of Object.entries(out.results)) {
    for (const [arm, data] of Object.entries(byArm)) say(`${phase} ${arm}: ${data.rates.map((rate) => rate.toFixed(0)).join(', ')} req/s; p50 ${percentile(data.latencies, 50).toFixed(3)} ms p99 ${percentile(data.latencies, 99).toFixed(3)} ms; rss ${data.rss_mib.map((v) => v?.toFixed(0)).join(',')} MiB; cpu ${data.cpu_ms_per_request.map((v) => v?.toFixed(3)).join(',')} ms/request`);
  }
  say(JSON.stringify(out.bytes, null, 1));
  say(JSON.stringify(out.peak_rss_mib));
}
