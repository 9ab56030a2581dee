// Real processes racing on one ledger file: check-and-reserve and job claims must hold across processes, not
// just within one. The children import the built dist/ (npm test builds first).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { openLedger } from '../src/ledger/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const builtLedger = path.join(root, 'dist', 'ledger', 'index.js');
const childScript = path.join(root, 'test', 'helpers', 'ledger-race.mjs');
const CHILDREN = 8;
const noon = Date.parse('2026-11-26T12:00:00Z');

interface ChildReport {
  pid: number;
  won: string[];
  rejected: number;
}

let home: string;

beforeAll(() => {
  if (!fs.existsSync(builtLedger)) throw new Error(`${builtLedger} is missing: run \`npx tsc -p .\` (npm test builds first), then run this test again`);
});
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-ledger-race-'));
});
afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

/** Start every child, wait until each has opened the ledger, then release them all at once. */
async function race(argumentsOf: (index: number) => string[]): Promise<ChildReport[]> {
  const children = Array.from({ length: CHILDREN }, (_unused, index) => spawn(process.execPath, [childScript, builtLedger, home, ...argumentsOf(index)], { stdio: ['pipe', 'pipe', 'pipe'] }));
  const outputs = children.map((child) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const ready = new Promise<void>((resolve, reject) => {
      const check = () => (stdout.includes('ready\n') ? resolve() : undefined);
      child.stdout.on('data', check);
      child.on('exit', () => reject(new Error(`child exited before it was ready: ${stderr}`)));
    });
    const done = new Promise<ChildReport>((resolve, reject) => {
      child.on('exit', (code) => {
        if (code !== 0) return reject(new Error(`child exited with ${code}: ${stderr}`));
        resolve(JSON.parse(stdout.split('\n').filter(Boolean).at(-1) as string) as ChildReport);
      });
    });
    return { ready, done };
  });
  await Promise.all(outputs.map((output) => output.ready));
  for (const child of children) child.stdin.end('go\n');
  return Promise.all(outputs.map((output) => output.done));
}

it('8 processes racing against a 5-per-day guard on one file take exactly 5 reservations', async () => {
  const reports = await race(() => ['reserve', '3', String(noon)]);
  const won = reports.flatMap((report) => report.won);
  expect(won).toHaveLength(5);
  expect(new Set(won).size).toBe(5);
  expect(reports.reduce((sum, report) => sum + report.rejected, 0)).toBe(CHILDREN * 3 - 5);

  const ledger = openLedger(home);
  try {
    const rows = ledger.db.sqlite.prepare("SELECT id FROM attempts WHERE provider = 'p' ORDER BY id").all() as Array<{ id: string }>;
    expect(rows.map((row) => row.id)).toEqual([...won].sort());
    expect(ledger.usage([{ name: 'p', windows: [24] }], noon + 1000).providers.p).toMatchObject({ day: 5, in_flight: 5 });
    // all children opened a fresh file at once: each migration is still recorded exactly once
    const migrations = ledger.db.sqlite.prepare('SELECT name, COUNT(*) AS times FROM migrations GROUP BY name').all() as Array<{ times: number }>;
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.every((migration) => migration.times === 1)).toBe(true);
  } finally {
    ledger.close();
  }
});

it('8 worker processes claiming from one queue never take the same job twice', async () => {
  const ledger = openLedger(home);
  const jobIds: string[] = [];
  try {
    for (let index = 0; index < 40; index++) jobIds.push(ledger.enqueue({ run_id: `run-${index}`, skill: 's' }));
  } finally {
    ledger.close();
  }
  const reports = await race((index) => ['claim', `worker-${index}`, String(noon)]);
  const claimed = reports.flatMap((report) => report.won);
  expect(claimed).toHaveLength(jobIds.length);
  expect([...claimed].sort()).toEqual([...jobIds].sort());

  const after = openLedger(home);
  try {
    const jobs = after.listJobs();
    // a take-over would have counted an attempt: 0 means each job was claimed once
    expect(jobs.map((job) => [job.state, job.attempts])).toEqual(jobIds.map(() => ['done', 0]));
  } finally {
    after.close();
  }
});
