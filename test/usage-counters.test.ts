// The running usage counters against the plain sums over the attempts table (test/helpers/usage-reference.ts):
// randomized sequences of reserve / send / answer / fail / release / hold on a fake clock that crosses second,
// minute, hour and day edges; a ledger migrated with attempts already in it; and several processes at once.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openLedger, type Ledger, type ProviderWindows, type SqliteDb } from '../src/ledger/index.js';
import { countersAndRebuild, referenceSpendToday, referenceUsage } from './helpers/usage-reference.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const builtLedger = path.join(root, 'dist', 'ledger', 'index.js');
const childScript = path.join(root, 'test', 'helpers', 'usage-race.mjs');

const providers: Array<ProviderWindows & { windows: number[] }> = [
  { name: 'p', windows: [1, 5], margin_ms: 1_000 },
  { name: 'q', windows: [24, 168], margin_ms: 0 },
];

let dir: string;
let ledger: Ledger<SqliteDb>;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-counters-'));
  ledger = openLedger(dir);
});
afterEach(() => {
  ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** mulberry32: a small seeded generator, so a failing sequence can be replayed */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The snapshot usage() gives must equal the reference sums (plus live holds) for every provider and the day's spend,
 * and one whose oldest requests are read only when asked (the guards') must give the same fields when they are read.
 */
function expectSameAsReference(now: number): void {
  const snapshot = ledger.usage(providers, now);
  expect(JSON.parse(JSON.stringify(ledger.usage(providers, now, { oldestWhenRead: true }))), `read when asked at ${new Date(now).toISOString()}`).toEqual(JSON.parse(JSON.stringify(snapshot)));
  const heldCredits = new Map(
    (ledger.db.sqlite.prepare('SELECT provider, SUM(credits) AS credits FROM holds WHERE expires_ms > ? GROUP BY provider').all(now) as Array<{ provider: string; credits: number }>).map((row) => [row.provider, row.credits]),
  );
  const held = new Map(
    (ledger.db.sqlite.prepare('SELECT provider, SUM(weight) AS weight FROM holds WHERE expires_ms > ? GROUP BY provider').all(now) as Array<{ provider: string; weight: number }>).map((row) => [row.provider, row.weight]),
  );
  for (const provider of providers) {
    const reference = referenceUsage(ledger.db.sqlite, provider, now);
    const extra = held.get(provider.name) ?? 0;
    const got = snapshot.providers[provider.name];
    const where = `${provider.name} at ${new Date(now).toISOString()}`;
    expect({ minute: got.minute, oldest: got.minute_oldest_ms, day: got.day, in_flight: got.in_flight }, where).toEqual({
      minute: reference.minute,
      oldest: reference.minute_oldest_ms,
      day: reference.day + extra,
      in_flight: reference.in_flight,
    });
    expect(got.usd_today, where).toBeCloseTo(reference.usd_today, 7);
    got.windows.forEach((window, index) => {
      const expected = reference.windows[index];
      expect({ hours: window.hours, requests: window.requests, oldest: window.oldest_ms }, where).toEqual({ hours: expected.hours, requests: expected.requests + extra, oldest: expected.oldest_ms });
      expect(window.credits ?? 0, where).toBeCloseTo(expected.credits + (heldCredits.get(provider.name) ?? 0), 6);
      expect(window.usd, where).toBeCloseTo(expected.usd, 7);
    });
  }
  expect(snapshot.metered_usd_today).toBeCloseTo(referenceSpendToday(ledger.db.sqlite, now), 7);
}

function runSequence(seed: number, operations: number): void {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  // a little before an hour and a UTC day end, so the sequence crosses both
  let now = Date.parse('2026-11-26T23:20:30.250Z');
  const open: string[] = [];
  /** when each open attempt was reserved: markSent is told it half the time (its one-statement path) */
  const reservedAt = new Map<string, number>();
  const runs: string[] = [];
  const money = () => (next() < 0.3 ? 0 : Math.round(next() * 1e6) / 1e7 + next() * 1e-9);
  for (let step = 0; step < operations; step++) {
    // mostly small steps (same second and minute), sometimes over a minute, an hour, or past the in-flight horizon
    const jump = next();
    now += jump < 0.5 ? Math.floor(next() * 900) : jump < 0.85 ? Math.floor(next() * 70_000) : jump < 0.97 ? Math.floor(next() * 3_700_000) : 16 * 60_000;
    const operation = next();
    if (operation < 0.35 || open.length === 0) {
      const run = next() < 0.3 ? `run-${step}` : null;
      const withHold = run !== null && next() < 0.5;
      const result = ledger.reserve(
        { run_id: run, step_id: run ? 'a' : null, provider: pick(['p', 'q']), model: pick(['m1', 'm2']), billing: pick(['free', 'metered'] as const), weight: pick([1, 3, 0.5]), reserved_usd: money(), list_usd_reserved: money(), credits_reserved: next() < 0.5 ? 0 : Math.round(next() * 40) / 4, now_ms: now },
        providers,
        () => null,
        withHold ? [{ step_id: 'b', options: [{ provider: pick(['p', 'q']), weight: 1, admit: () => null }] }] : [],
      );
      if (!('attempt_id' in result)) throw new Error('unexpected rejection');
      open.push(result.attempt_id);
      reservedAt.set(result.attempt_id, now);
      if (run) runs.push(run);
    } else if (operation < 0.5) {
      const id = pick(open);
      // sent within the same second as reserved, or later; told the reservation time or not
      const sentAt = next() < 0.5 ? now + Math.floor(next() * 3) : now;
      now = sentAt;
      ledger.markSent(id, sentAt, next() < 0.5 ? reservedAt.get(id) : undefined);
    } else if (operation < 0.85) {
      const id = open.splice(Math.floor(next() * open.length), 1)[0];
      const outcome = next();
      if (outcome < 0.5) ledger.finishAttempt(id, { status: 'ok', cost_usd: money(), list_usd: next() < 0.5 ? money() : undefined, credits: next() < 0.5 ? Math.round(next() * 40) / 4 : undefined, duration_ms: 5, now_ms: now });
      else if (outcome < 0.7) ledger.finishAttempt(id, { status: 'error', error_kind: 'network', cost_usd: undefined, duration_ms: 5, now_ms: now });
      else if (outcome < 0.85) ledger.finishAttempt(id, { status: 'error', error_kind: 'rate_limited', http_status: 429, cost_usd: 0, duration_ms: 5, now_ms: now });
      else ledger.finishAttempt(id, { status: 'error', error_kind: 'network', cost_usd: 0, released: true, duration_ms: 5, now_ms: now });
    } else if (operation < 0.92 && runs.length > 0) {
      const run = pick(runs);
      if (next() < 0.5) ledger.releaseHolds(run);
      else ledger.abandonAttempts(run, 'stopped');
    } else {
      ledger.releaseStaleReservations(now - 10 * 60_000);
    }
    for (const offset of [0, 50, 99, 100, 999, 1_000, 61_001]) expectSameAsReference(now + offset);
  }
  const { kept, rebuilt } = countersAndRebuild(ledger.db.sqlite);
  expect(kept).toEqual(rebuilt);
}

describe('usage counters', () => {
  it('equal the sums over the attempts after randomized sequences across second, minute, hour and day edges', () => {
    for (const seed of [1, 2, 3]) {
      runSequence(seed, 200);
      ledger.close();
      fs.rmSync(dir, { recursive: true, force: true });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-counters-'));
      ledger = openLedger(dir);
    }
  }, 180_000);

  it('are summed from the attempts already recorded when the migration runs on an older ledger', () => {
    runSequence(7, 120);
    const now = Date.parse('2026-11-27T00:10:00Z');
    const before = ledger.usage(providers, now);
    ledger.db.sqlite.exec("DROP TABLE usage_counters; DELETE FROM migrations WHERE name = '013_usage_counters'");
    ledger.close();
    ledger = openLedger(dir);
    expect(ledger.usage(providers, now)).toEqual(before);
    expectSameAsReference(now);
  }, 120_000);
});

describe('usage counters under several processes', () => {
  beforeAll(() => {
    if (!fs.existsSync(builtLedger)) throw new Error(`${builtLedger} is missing: run \`npx tsc -p .\` (npm test builds first), then run this test again`);
  });

  it('4 processes racing random reserve / send / answer / fail / release on one file leave counters equal to the sums', async () => {
    const start = Date.parse('2026-11-26T23:59:58Z');
    const children = Array.from({ length: 4 }, (_unused, index) => spawn(process.execPath, [childScript, builtLedger, dir, String(index + 1), String(start), '150'], { stdio: ['pipe', 'pipe', 'pipe'] }));
    const done = children.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          let stderr = '';
          let stdout = '';
          child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
          child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
            stdout += chunk;
            // every child has opened the ledger: release them all at once
            if (stdout.includes('ready\n')) child.stdin.end('go\n');
          });
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child exited with ${code}: ${stderr}`))));
        }),
    );
    await Promise.all(done);
    const attempts = (ledger.db.sqlite.prepare('SELECT COUNT(*) AS n FROM attempts').get() as { n: number }).n;
    expect(attempts).toBeGreaterThan(4 * 40);
    for (const offset of [0, 500, 1_500, 2_000, 30_000, 61_000, 3_600_000]) expectSameAsReference(start + offset);
    const { kept, rebuilt } = countersAndRebuild(ledger.db.sqlite);
    expect(kept).toEqual(rebuilt);
  }, 120_000);
});
