// The dashboard's quota and models pages read the same figures from a SQLite ledger and from a PostgreSQL one: the
// counters' bucket reads and the models page's SQL sums, ranks and newest errors are portable.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../src/ledger/index.js';
import { quotaReport } from '../src/report/quota-report.js';
import { modelReport, percentile } from '../src/report/model-report.js';
import { harness, stopSharedCluster } from './helpers/ledger-backends.js';
import { config, model, NOON_MS, provider } from './router-helpers.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const sqlite = harness('sqlite');
const postgres = harness('postgres');
afterEach(() => {
  sqlite.cleanup();
  postgres.cleanup();
});
afterAll(() => stopSharedCluster());

const now = NOON_MS + 17 * MINUTE + 23_456;
const setup = config(
  [provider('local', [model('small'), model('large')], { limits: { margin_seconds: 0, requests_per_minute: 10, requests_per_day: 100, windows: [{ hours: 5, requests: 40 }, { hours: 168, requests: 400, usd: 3 }, { hours: 5, requests: 20, models: ['large'] }] } })],
  [],
);

/** the same requests, as the runner records them: answers with known durations and costs, and some errors */
const timeOf = (index: number) => now - Math.floor((index * index * 37 * MINUTE) / 10) - (index % 4) * 999;
const durationOf = (index: number) => 100 + ((index * 7919) % 3000);

function fill(ledger: Ledger): void {
  for (let index = 0; index < 120; index++) {
    const at = timeOf(index);
    const reserved = ledger.reserve({ run_id: null, step_id: null, provider: 'local', model: index % 3 === 0 ? 'large' : 'small', billing: 'free', weight: 1, reserved_usd: 0, now_ms: at }, [], () => null);
    if (!('attempt_id' in reserved)) throw new Error('not reserved');
    const failed = index % 5 === 0;
    ledger.finishAttempt(reserved.attempt_id, {
      status: failed ? 'error' : 'ok',
      error_kind: failed ? 'overloaded' : undefined,
      error_message: failed ? `upstream broke ${index}` : undefined,
      http_status: failed ? 500 : undefined,
      cost_usd: 0,
      list_usd: 0.001 * index,
      duration_ms: durationOf(index),
      now_ms: at + 100,
    });
  }
}

describe('dashboard reports on SQLite and PostgreSQL', () => {
  it('give the same quota windows and model figures', async () => {
    const [lite, pg] = [await sqlite.open(), await postgres.open()];
    fill(lite);
    fill(pg);
    const quota = quotaReport(setup, lite, {}, now);
    // the charts hold something, and both ledgers agree on every figure
    expect(quota.some((window) => window.series.used.some((used) => used > 0))).toBe(true);
    expect(quotaReport(setup, pg, {}, now)).toEqual(quota);
    const models = modelReport(setup, lite, now);
    const large = models.models.find((entry) => entry.model === 'large')!;
    expect(large.attempts).toBeGreaterThan(0);
    // the nearest ranks of the week's answered durations, as a sort of them gives
    const week = Array.from({ length: 120 }, (_, index) => index).filter((index) => index % 3 === 0 && index % 5 !== 0 && timeOf(index) >= now - 7 * 24 * HOUR);
    const sorted = week.map(durationOf).sort((a, b) => a - b);
    expect(sorted.length).toBeGreaterThan(10);
    expect([large.p50_ms, large.p95_ms]).toEqual([percentile(sorted, 0.5), percentile(sorted, 0.95)]);
    expect(large.ok).toBe(sorted.length);
    expect(large.last_error?.message).toMatch(/^upstream broke/);
    expect(modelReport(setup, pg, now)).toEqual(models);
  });
});
