// The load generator for the proxy comparison, as its own process (the servers it measures are processes of
// their own). Arms alternate round by round, the first arm rotating, so drift (CPU frequency, GC, the other
// engineers' jobs on this machine) hits every arm alike. Reads the plan as JSON from argv[2]; prints the results
// as one JSON line.
// plan: { arms: [{ name, url, headers, body, pid? }], phases: [{ name, delay_ms, control: [url], in_flight, rounds, requests }] }
import fs from 'node:fs';
import { Pool } from 'undici';

const plan = JSON.parse(process.argv[2]);
const pools = new Map(plan.arms.map((arm) => [arm.name, new Pool(new URL(arm.url).origin, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 })]));

/** resident set of a server process now, MiB (Linux) */
function rssMiB(pid) {
  if (!pid) return null;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
  } catch {
    return null;
  }
}

/** CPU time a server process has used so far, ms (Linux: utime + stime from /proc/PID/stat, in clock ticks of 10 ms) */
function cpuMs(pid) {
  if (!pid) return null;
  try {
    // the command name can hold spaces: the fields that follow start after its closing parenthesis
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

async function one(arm, pool, path) {
  const start = process.hrtime.bigint();
  const response = await pool.request({ method: 'POST', path, headers: arm.headers, body: arm.body });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${arm.name}: HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function round(arm, inFlight, total) {
  const pool = pools.get(arm.name);
  const path = new URL(arm.url).pathname;
  const latencies = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < total) latencies.push(await one(arm, pool, path));
    }),
  );
  return { latencies, rate: total / ((performance.now() - start) / 1000) };
}

const results = {};
for (const phase of plan.phases) {
  for (const control of phase.control ?? []) await fetch(`${control}/__bench/delay?ms=${phase.delay_ms}`, { method: 'POST' });
  const byArm = Object.fromEntries(plan.arms.map((arm) => [arm.name, { latencies: [], rates: [], rss_mib: [], cpu_ms_per_request: [] }]));
  // one untimed round each: connections open, JIT warm
  for (const arm of plan.arms) await round(arm, phase.in_flight, Math.min(phase.requests, phase.in_flight * 4));
  for (let index = 0; index < phase.rounds; index++) {
    for (let offset = 0; offset < plan.arms.length; offset++) {
      const arm = plan.arms[(index + offset) % plan.arms.length];
      const cpuBefore = cpuMs(arm.pid);
      const measured = await round(arm, phase.in_flight, phase.requests);
      const cpuAfter = cpuMs(arm.pid);
      // the proxy's own CPU per request: what it costs whatever else the machine runs (the load generator, the upstream)
      byArm[arm.name].cpu_ms_per_request.push(cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / phase.requests);
      byArm[arm.name].latencies.push(...measured.latencies);
      byArm[arm.name].rates.push(measured.rate);
      byArm[arm.name].rss_mib.push(rssMiB(arm.pid));
    }
  }
  results[phase.name] = byArm;
}
for (const pool of pools.values()) await pool.close();
process.stdout.write(`${JSON.stringify(results)}\n`);
