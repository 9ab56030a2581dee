// Two "machines" on one PostgreSQL ledger: each machine is a set of processes in its own process group, with its
// own PORTAI_HOME and host name, all pointed at one real database (PORTAI_LEDGER_URL). The guarantees that held
// between processes on one SQLite file must hold between machines. The children import the built dist/.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { Ledger } from '../src/ledger/index.js';
import { PostgresDb } from '../src/ledger/postgres/postgres-db.js';
import { startCluster, type PgCluster } from './helpers/pg-cluster.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const builtLedger = path.join(root, 'dist', 'ledger', 'index.js');
const childScript = path.join(root, 'test', 'helpers', 'pg-machine.mjs');

interface Report {
  pid: number;
  host: string;
  won: string[];
  rejected: number;
  errors: string[];
  job?: string;
  attempts?: number;
  claimed_at_ms?: number;
}

let cluster: PgCluster;
let url: string;
let homes: Record<'a' | 'b', string>;
let databases = 0;

beforeAll(async () => {
  if (!fs.existsSync(builtLedger)) throw new Error(`${builtLedger} is missing: run \`npm run build\` (npm test builds first), then run this test again`);
  cluster = await startCluster();
}, 60_000);
afterAll(() => cluster?.stop());
beforeEach(async () => {
  url = await cluster.createDatabase(`machines_${++databases}`);
  homes = { a: fs.mkdtempSync(path.join(os.tmpdir(), 'portai-machine-a-')), b: fs.mkdtempSync(path.join(os.tmpdir(), 'portai-machine-b-')) };
  return () => {
    for (const home of Object.values(homes)) fs.rmSync(home, { recursive: true, force: true });
  };
});

interface Child {
  process: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  done: Promise<Report>;
  lines: () => string[];
}

/** One process of a machine, in a process group of its own (detached), its own PORTAI_HOME, the shared URL. */
function machineProcess(machine: 'a' | 'b', ...args: string[]): Child {
  const child = spawn(process.execPath, [childScript, builtLedger, `machine-${machine}`, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, PORTAI_HOME: homes[machine], PORTAI_LEDGER_URL: url },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => (stdout.includes('ready\n') ? resolve() : undefined));
    child.on('exit', () => reject(new Error(`child exited before it was ready: ${stderr}`)));
  });
  const done = new Promise<Report>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      if (code !== 0) return reject(new Error(`child exited with ${code ?? signal}: ${stderr}`));
      resolve(JSON.parse(stdout.split('\n').filter(Boolean).at(-1) as string) as Report);
    });
  });
  return { process: child, ready, done, lines: () => stdout.split('\n').filter(Boolean) };
}

async function go(children: Child[]): Promise<void> {
  await Promise.all(children.map((child) => child.ready));
  for (const child of children) child.process.stdin.end('go\n');
}

function sharedLedger(): Ledger {
  return new Ledger(new PostgresDb(url));
}

it('16 processes on two machines racing for a 50-per-day window take exactly 50', async () => {
  const children = Array.from({ length: 16 }, (_unused, index) => machineProcess(index % 2 === 0 ? 'a' : 'b', 'reserve', '5', '50'));
  await go(children);
  const reports = await Promise.all(children.map((child) => child.done));
  const won = reports.flatMap((report) => report.won);
  expect(won).toHaveLength(50);
  expect(new Set(won).size).toBe(50);
  expect(reports.reduce((sum, report) => sum + report.rejected, 0)).toBe(16 * 5 - 50);
  // both machines took part, and each machine's own home holds no ledger of its own
  expect(new Set(reports.filter((report) => report.won.length > 0).map((report) => report.host))).toEqual(new Set(['machine-a', 'machine-b']));
  expect(fs.existsSync(path.join(homes.a, 'ledger.db'))).toBe(false);
  const ledger = sharedLedger();
  try {
    const rows = ledger.db.statement("SELECT id FROM attempts WHERE provider = 'p' ORDER BY id").all() as Array<{ id: string }>;
    expect(rows.map((row) => row.id)).toEqual([...won].sort());
    const migrations = ledger.db.statement('SELECT name, COUNT(*) AS times FROM migrations GROUP BY name').all() as Array<{ times: number }>;
    expect(migrations.every((migration) => migration.times === 1)).toBe(true);
  } finally {
    ledger.close();
  }
});

it('two machines working one queue never run the same job', async () => {
  const ledger = sharedLedger();
  const jobIds: string[] = [];
  try {
    for (let index = 0; index < 40; index++) jobIds.push(ledger.enqueue({ run_id: `run-${index}`, skill: 's' }));
  } finally {
    ledger.close();
  }
  const children = [machineProcess('a', 'claim'), machineProcess('b', 'claim'), machineProcess('a', 'claim'), machineProcess('b', 'claim')];
  await go(children);
  const reports = await Promise.all(children.map((child) => child.done));
  const claimed = reports.flatMap((report) => report.won);
  expect([...claimed].sort()).toEqual([...jobIds].sort());
  const after = sharedLedger();
  try {
    // a take-over would have counted an attempt: 0 means each job was claimed once
    expect(after.listJobs().map((job) => [job.state, job.attempts])).toEqual(jobIds.map(() => ['done', 0]));
  } finally {
    after.close();
  }
});

it("a worker SIGKILLed mid-job has its job taken over by the other machine once the lease (in the database's time) ran out", async () => {
  const ledger = sharedLedger();
  let jobId: string;
  try {
    jobId = ledger.enqueue({ run_id: 'run-killed', skill: 's' });
  } finally {
    ledger.close();
  }
  const holder = machineProcess('a', 'hold', '3000');
  // it never reports: it is killed
  holder.done.catch(() => undefined);
  await go([holder]);
  await expect.poll(() => holder.lines().find((line) => line.startsWith('{"claimed"')), { timeout: 20_000 }).toBeTruthy();
  const claim = JSON.parse(holder.lines().find((line) => line.startsWith('{"claimed"')) as string) as { claimed: string; lease_until_ms: number };
  expect(claim.claimed).toBe(jobId);
  const killed = new Promise((resolve) => holder.process.on('exit', resolve));
  process.kill(-(holder.process.pid as number), 'SIGKILL');
  await killed;

  const taker = machineProcess('b', 'takeover', '60000');
  await go([taker]);
  const report = await taker.done;
  expect(report.job).toBe(jobId);
  // not before the lease ran out by the database's clock, and counted as an attempt (the job may have sent)
  expect(report.claimed_at_ms).toBeGreaterThanOrEqual(claim.lease_until_ms);
  expect(report.attempts).toBe(1);
});

it('a database restart mid-run loses no acknowledged reservation and overruns nothing', async () => {
  const children = [machineProcess('a', 'persist', '50', '40'), machineProcess('b', 'persist', '50', '40'), machineProcess('a', 'persist', '50', '40'), machineProcess('b', 'persist', '50', '40')];
  await go(children);
  // let them get going, then stop the server under them and start it again
  await new Promise((resolve) => setTimeout(resolve, 300));
  cluster.stopServer('fast');
  await new Promise((resolve) => setTimeout(resolve, 500));
  cluster.startServer();
  const reports = await Promise.all(children.map((child) => child.done));
  const acknowledged = reports.flatMap((report) => report.won);
  const ledger = sharedLedger();
  try {
    const rows = (ledger.db.statement("SELECT id FROM attempts WHERE provider = 'p'").all() as Array<{ id: string }>).map((row) => row.id);
    // every reservation a process was told it had is there; the window holds exactly its 50, never more
    expect(rows).toHaveLength(50);
    expect(new Set(rows).size).toBe(50);
    for (const id of acknowledged) expect(rows).toContain(id);
    expect(acknowledged.length).toBeLessThanOrEqual(50);
    // the restart happened mid-run: some work came after it (the processes kept going until the window was full)
    expect(reports.reduce((sum, report) => sum + report.rejected, 0)).toBeGreaterThanOrEqual(4 * 3);
  } finally {
    ledger.close();
  }
});
