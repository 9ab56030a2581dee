// The running health counters against the old computation over the attempts (test/helpers/health-evidence-reference.ts):
// randomized sequences of reserve / send / answer / fail / abandon / reconcile on a fake clock, evidence read at the
// hour's edge and the ten minutes' edge of recorded attempts (one millisecond either side), with a clock that
// stepped back, and the counters equal to a rebuild from the attempts (what migration 014 does).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedger, type Ledger, type SqliteDb } from '../src/ledger/index.js';
import { rebuildHealthCounters } from '../src/ledger/health-counters.js';
import type { ErrorKind, HealthEvidence } from '../src/types.js';
import { referenceHealthEvidence } from './helpers/health-evidence-reference.js';

const HOUR_MS = 3_600_000;
const RECENT_MS = 600_000;

let dir: string;
let ledger: Ledger<SqliteDb>;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-health-counters-'));
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
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const keyed = (list: HealthEvidence[]) => [...list].sort((a, b) => `${a.provider}/${a.model}`.localeCompare(`${b.provider}/${b.model}`));

function expectSameAsReference(now: number, where: string): void {
  const got = keyed(ledger.healthEvidence(now));
  const expected = keyed(referenceHealthEvidence(ledger.db, now));
  const exact = (list: HealthEvidence[]) => list.map(({ score: _score, ...rest }) => rest);
  expect(exact(got), where).toEqual(exact(expected));

  got.forEach((entry, index) => expect(entry.score, `${where} ${entry.provider}/${entry.model}`).toBeCloseTo(expected[index].score, 9));
}

type Row = Record<string, number | string>;
function countersAndRebuild(): { kept: Row[]; rebuilt: Row[] } {
  const sqlite = ledger.db.sqlite;
  const read = () => sqlite.prepare('SELECT * FROM health_counters WHERE total <> 0 ORDER BY bucket_ms, provider, model').all() as Row[];
  const kept = read();
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    rebuildHealthCounters(sqlite);
    return { kept, rebuilt: read() };
  } finally {
    sqlite.exec('ROLLBACK');
  }
}

const KINDS: ErrorKind[] = ['network', 'overloaded', 'rate_limited', 'timeout', 'model_gone', 'quota_exhausted', 'payment_required', 'auth', 'bad_request', 'context_overflow'];

function runSequence(seed: number, operations: number): void {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  let now = Date.parse('2026-11-26T09:58:30.250Z');
  const open: string[] = [];
  const finished: string[] = [];
  const started: number[] = [];
  const runs: string[] = [];
  for (let step = 0; step < operations; step++) {
    // mostly small steps, sometimes past a minute, ten minutes or an hour; now and then the clock steps back
    const jump = next();
    now += jump < 0.5 ? Math.floor(next() * 4_000) : jump < 0.8 ? Math.floor(next() * 90_000) : jump < 0.95 ? Math.floor(next() * 1_500_000) : jump < 0.98 ? HOUR_MS : -Math.floor(next() * 30_000);
    const operation = next();
    if (operation < 0.4 || open.length === 0) {
      const run = next() < 0.3 ? `run-${step}` : null;
      const result = ledger.reserve(
        { run_id: run, step_id: run ? 'a' : null, provider: pick(['p', 'q']), model: pick(['m1', 'm2']), billing: 'free', weight: 1, reserved_usd: 0, client: pick([null, null, 'serve']), now_ms: now },
        [],
        () => null,
      );
      if (!('attempt_id' in result)) throw new Error('unexpected rejection');
      open.push(result.attempt_id);
      if (run) runs.push(run);
      started.push(now);
    } else if (operation < 0.5) {
      ledger.markSent(pick(open), now + Math.floor(next() * 1_500));
    } else if (operation < 0.85) {
      const id = open.splice(Math.floor(next() * open.length), 1)[0];
      const duration = Math.floor(next() * 3_000);
      if (next() < 0.55) ledger.finishAttempt(id, { status: 'ok', duration_ms: duration, now_ms: now });
      else ledger.finishAttempt(id, { status: 'error', error_kind: pick(KINDS), released: next() < 0.2, duration_ms: duration, now_ms: now });
      finished.push(id);
    } else if (operation < 0.89 && finished.length > 0) {
      // an answered attempt finished again (its row changes from one outcome to another)
      const id = pick(finished);
      if (next() < 0.5) ledger.finishAttempt(id, { status: 'ok', duration_ms: Math.floor(next() * 900), now_ms: now });
      else ledger.finishAttempt(id, { status: 'error', error_kind: pick(KINDS), duration_ms: 7, now_ms: now });
    } else if (operation < 0.93 && runs.length > 0) {
      ledger.abandonAttempts(pick(runs), 'stopped');
    } else if (operation < 0.96) {
      ledger.releaseStaleReservations(now - 10 * 60_000);
    } else {
      ledger.recordAdjustment({ provider: pick(['p', 'q']), model: pick(['m1', undefined]), at_ms: now - Math.floor(next() * 60_000), requests: 3, reason: 'provider counted more', now_ms: now });
    }
    expectSameAsReference(now, `seed ${seed} step ${step}`);
    // the edges of a recorded attempt: exactly an hour and ten minutes after it started, and a millisecond either side
    const at = pick(started);
    for (const edge of [HOUR_MS, RECENT_MS]) for (const offset of [-1, 0, 1]) expectSameAsReference(at + edge + offset, `seed ${seed} step ${step} edge ${edge}${offset >= 0 ? '+' : ''}${offset}`);
  }
  const { kept, rebuilt } = countersAndRebuild();
  expect(kept.length).toBe(rebuilt.length);
  kept.forEach((row, index) => {
    const { decay_all, decay_ok, ...counts } = row;
    const { decay_all: rebuiltAll, decay_ok: rebuiltOk, ...rebuiltCounts } = rebuilt[index];
    expect(counts).toEqual(rebuiltCounts);
    expect(decay_all as number).toBeCloseTo(rebuiltAll as number, 9);
    expect(decay_ok as number).toBeCloseTo(rebuiltOk as number, 9);
  });
}

describe('health counters', () => {
  it('give the evidence of a sum over the hour\'s attempts after randomized sequences, at the hour and ten-minute edges', () => {
    for (const seed of [1, 2, 3, 4]) {
      runSequence(seed, 250);
      ledger.close();
      fs.rmSync(dir, { recursive: true, force: true });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-health-counters-'));
      ledger = openLedger(dir);
    }
  }, 120_000);

  it('a ledger with answered attempts from before migration 014 gets its counters summed from them', () => {
    const at = Date.parse('2026-11-26T10:00:00Z');
    for (const [offset, status] of [[0, 'ok'], [20_000, 'error'], [70_000, 'ok']] as const) {
      const reserved = ledger.reserve({ run_id: null, step_id: null, provider: 'p', model: 'm', billing: 'free', weight: 1, reserved_usd: 0, now_ms: at + offset }, [], () => null);
      if (!('attempt_id' in reserved)) throw new Error('unexpected rejection');
      ledger.finishAttempt(reserved.attempt_id, status === 'ok' ? { status, duration_ms: 100 + offset / 1000, now_ms: at + offset + 5 } : { status, error_kind: 'overloaded', duration_ms: 5, now_ms: at + offset + 5 });
    }
    // as an older portai left it: no counters table, migration 014 not recorded
    ledger.db.sqlite.exec("DROP TABLE health_counters; DELETE FROM migrations WHERE name = '014_health_counters'");
    ledger.close();
    ledger = openLedger(dir);
    const now = at + 120_000;
    expect(ledger.healthEvidence(now)).toMatchObject([{ provider: 'p', model: 'm', total: 3, ok: 2, recent_failures: 1, latency_ms: 135 }]);
    expectSameAsReference(now, 'after the migration');
    expect((ledger.db.sqlite.prepare('SELECT COUNT(*) AS rows FROM health_counters').get() as { rows: number }).rows).toBe(2);
  });
});
