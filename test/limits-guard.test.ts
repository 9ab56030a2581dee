// Each limit unit and window kind through the one real gate (reserveAttempt: guards and the attempt row in one
// SQLite transaction) on a real ledger file, with a fake clock: credits and weighted requests switching at the
// peak-hour boundary, a per-model cap full while the provider's window has room, calendar week and month resets,
// and a reconcile adjustment that the guard then counts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedger, type Ledger, type SqliteDb } from '../src/ledger/index.js';
import { reserveAttempt } from '../src/runner/reserve-attempt.js';
import { finishAnswered } from '../src/runner/finish-attempt.js';
import { providerWindows } from '../src/runner/endpoint.js';
import type { Candidate, Config, Rejection, ResolvedModel } from '../src/types.js';
import { config, keysFor, model, provider, traits } from './router-helpers.js';

let dir: string;
let ledger: Ledger<SqliteDb>;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-limits-'));
  ledger = openLedger(dir);
});
afterEach(() => {
  ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const HOUR = 3_600_000;
const candidate = (cfg: Config, ref: string): Candidate => {
  const [name, ...rest] = ref.split('/');
  const entry = cfg.providers[name].models.find((item) => item.id === rest.join('/')) as ResolvedModel;
  return { ref, provider: name, model: entry.id, billing: entry.billing, worst_usd: 0, expected_usd: 0 };
};

/** Reserve one request at `now_ms` (1000 output tokens max, a 4000-character prompt); on success finish it with `output_tokens`. */
function send(cfg: Config, ref: string, now_ms: number, output_tokens = 1000): Rejection | null {
  const result = reserveAttempt({ config: cfg, ledger, candidate: candidate(cfg, ref), traits: traits({ max_output_tokens: 1000, prompt_chars: 0 }), env: keysFor(cfg), run_id: null, client: null, now_ms });
  if ('rejected' in result) return result.rejected;
  const [name, ...rest] = ref.split('/');
  const entry = cfg.providers[name].models.find((item) => item.id === rest.join('/')) as ResolvedModel;
  finishAnswered(ledger, result.attempt_id, entry, { input_tokens: 0, output_tokens, http_status: 200 }, 0, 10, now_ms + 10, { limits: cfg.providers[name].limits, at_ms: now_ms });
  return null;
}

const weightsOf = () => (ledger.db.sqlite.prepare('SELECT weight, credits_reserved, credits FROM attempts ORDER BY started_ms, id').all() as Array<{ weight: number; credits_reserved: number; credits: number | null }>);

// Z.AI-like: peak 14:00-18:00 Asia/Shanghai = 06:00-10:00 UTC; 10 credits per 1000 output tokens at peak, 5 off-peak
const PEAK = Date.UTC(2026, 0, 14, 6, 0, 0);
const JUST_BEFORE = PEAK - 1;
const peakLimits = { peak_hours: { timezone: 'Asia/Shanghai', from: '14:00', to: '18:00' } };
const glm = model('glm', { credits: { input: 0, output: 10_000, off_peak: 0.5 }, quota_weight: { peak: 3, off_peak: 2 } }, 'subscription');

describe('credits', () => {
  const zai = provider('zai', [glm], { limits: { ...peakLimits, windows: [{ hours: 5, credits: 100 }] } });
  const cfg = config([zai], []);
  it('reserves the worst case at the rate of that instant, then counts what the answer drew', () => {
    // answered 10 ms later, still before the peak
    expect(send(cfg, 'zai/glm', JUST_BEFORE - 20, 400)).toBeNull();
    expect(send(cfg, 'zai/glm', PEAK, 400)).toBeNull();
    // worst case 1000 tokens: 5 credits off-peak, 10 at peak; drawn 400 tokens: 2 and 4
    expect(weightsOf()).toEqual([
      { weight: 2, credits_reserved: 5, credits: 2 },
      { weight: 3, credits_reserved: 10, credits: 4 },
    ]);
    expect(ledger.usage(providerWindows(cfg, PEAK + 1000), PEAK + 1000).providers.zai.windows[0].credits).toBe(6);
  });
  it('a request reserved off-peak that answers after the peak began counts at the peak rate', () => {
    const result = reserveAttempt({ config: cfg, ledger, candidate: candidate(cfg, 'zai/glm'), traits: traits({ max_output_tokens: 1000, prompt_chars: 0 }), env: keysFor(cfg), run_id: null, client: null, now_ms: JUST_BEFORE - 5000 });
    if ('rejected' in result) throw new Error(result.rejected.reason);
    finishAnswered(ledger, result.attempt_id, glm as ResolvedModel, { input_tokens: 0, output_tokens: 400, http_status: 200 }, 0, 6000, PEAK + 1000, { limits: zai.limits, at_ms: JUST_BEFORE - 5000 });
    expect(weightsOf()).toEqual([{ weight: 2, credits_reserved: 5, credits: 4 }]);
  });
  it("a run's later step holds its worst-case credits against other runs, not against itself", () => {
    const later = { traits: traits({ step: 'later', max_output_tokens: 1000, prompt_chars: 0 }), candidates: [candidate(cfg, 'zai/glm')] };
    const result = reserveAttempt({ config: cfg, ledger, candidate: candidate(cfg, 'zai/glm'), traits: traits({ max_output_tokens: 1000, prompt_chars: 0 }), env: keysFor(cfg), run_id: 'run-a', client: null, now_ms: PEAK, holds: [later] });
    expect('attempt_id' in result).toBe(true);
    expect(ledger.usage(providerWindows(cfg, PEAK), PEAK).providers.zai.windows[0].credits).toBe(20);
    expect(ledger.usage(providerWindows(cfg, PEAK), PEAK, { exceptRun: 'run-a' }).providers.zai.windows[0].credits).toBe(10);
  });
  it('refuses at peak what still fits off-peak, the switch exactly at 14:00:00.000 UTC+8', () => {
    // 92 credits drawn at 04:00 UTC, off-peak: 10 answers of 1840 tokens at half of 10 000 credits per million
    for (let i = 0; i < 10; i++) expect(send(cfg, 'zai/glm', PEAK - 2 * HOUR + i, 1840)).toBeNull();
    expect(ledger.usage(providerWindows(cfg, PEAK), PEAK).providers.zai.windows[0].credits).toBeCloseTo(92, 6);
    const atPeak = send(cfg, 'zai/glm', PEAK, 0);
    expect(atPeak?.guard).toBe('quota');
    expect(atPeak?.reason).toBe('92 credits used + up to 10 > 100 in the 5 h window');
    // the oldest credit leaves the rolling window 5 h (plus the 1 s margin) after it was drawn
    expect(atPeak?.until_ms).toBe(PEAK - 2 * HOUR + 5 * HOUR + 1000);
    expect(send(cfg, 'zai/glm', JUST_BEFORE, 0)).toBeNull();
  });
});

describe('weighted requests', () => {
  const zai = provider('zai', [glm, model('small', {}, 'subscription')], { limits: { ...peakLimits, windows: [{ hours: 5, requests: 10 }] } });
  const cfg = config([zai], []);
  it('a GLM-5-like request counts 3 at peak and 2 off-peak', () => {
    for (let i = 0; i < 8; i++) expect(send(cfg, 'zai/small', PEAK - HOUR + i)).toBeNull();
    expect(send(cfg, 'zai/glm', PEAK)?.reason).toBe('8/10 requests in the 5 h window (this model counts 3×)');
    expect(send(cfg, 'zai/glm', JUST_BEFORE)).toBeNull();
    expect(send(cfg, 'zai/small', PEAK)?.reason).toBe('10/10 requests in the 5 h window');
  });
});

describe('per-model caps', () => {
  const go = provider(
    'go',
    [model('pro', { price: { input: 0, output: 1000 } }, 'subscription'), model('flash', { price: { input: 0, output: 1000 } }, 'subscription')],
    { limits: { windows: [{ hours: 5, usd: 12 }, { hours: 744, usd: 15 }, { hours: 744, usd: 3, models: ['pro'] }] } },
  );
  const cfg = config([go], []);
  const NOW = Date.UTC(2026, 0, 20, 12, 0, 0);
  it('holds back the capped model while the provider windows still have room; other models go on', () => {
    // $1 each (1000 tokens at $1000 per million), three days ago: out of the 5-hour window, inside the month
    for (let i = 0; i < 3; i++) expect(send(cfg, 'go/pro', NOW - 72 * HOUR + i)).toBeNull();
    const counted = ledger.usage(providerWindows(cfg, NOW), NOW).providers.go.windows;
    expect(counted.map((window) => window.usd)).toEqual([0, 3, 3]);
    const refused = send(cfg, 'go/pro', NOW);
    expect(refused?.reason).toBe('$3.00 used + up to $1.0000 > $3 (list price) in the 744 h, pro window');
    expect(refused?.until_ms).toBe(NOW - 72 * HOUR + 744 * HOUR + 1000);
    expect(send(cfg, 'go/flash', NOW)).toBeNull();
    // flash counts in the provider's month, not in pro's cap
    expect(ledger.usage(providerWindows(cfg, NOW + 100), NOW + 100).providers.go.windows.map((window) => window.usd)).toEqual([1, 4, 3]);
  });
});

describe('calendar windows', () => {
  it('a calendar week is full until Monday 00:00 UTC, and open at that instant', () => {
    const weekly = provider('weekly', [model('m', {}, 'subscription')], { limits: { windows: [{ calendar: 'week', requests: 2 }] } });
    const cfg = config([weekly], []);
    const SUNDAY_NIGHT = Date.UTC(2026, 0, 18, 23, 59, 59, 999);
    const MONDAY = Date.UTC(2026, 0, 19);
    expect(send(cfg, 'weekly/m', Date.UTC(2026, 0, 12, 0, 0, 0))).toBeNull(); // Monday 00:00: the week's first instant
    expect(send(cfg, 'weekly/m', Date.UTC(2026, 0, 16))).toBeNull();
    const full = send(cfg, 'weekly/m', SUNDAY_NIGHT);
    expect(full?.reason).toBe('2/2 requests in the calendar week (UTC) window');
    expect(full?.until_ms).toBe(MONDAY);
    expect(send(cfg, 'weekly/m', MONDAY)).toBeNull();
  });
  it('a calendar month from a renewal day in a time zone resets at that local midnight', () => {
    const monthly = provider('monthly', [model('m', { price: { input: 0, output: 1000 } }, 'subscription')], { limits: { windows: [{ calendar: 'month', month_day: 12, timezone: 'Asia/Shanghai', usd: 2 }] } });
    const cfg = config([monthly], []);
    // the month began 2026-01-12 00:00 in Shanghai = 2026-01-11 16:00 UTC; it ends 2026-02-11 16:00 UTC
    expect(send(cfg, 'monthly/m', Date.UTC(2026, 0, 11, 15, 0, 0))).toBeNull(); // still the December-to-January month
    expect(send(cfg, 'monthly/m', Date.UTC(2026, 0, 11, 16, 0, 0))).toBeNull();
    expect(send(cfg, 'monthly/m', Date.UTC(2026, 0, 20))).toBeNull();
    const full = send(cfg, 'monthly/m', Date.UTC(2026, 1, 11, 15, 59, 59, 999));
    expect(full?.reason).toContain('> $2 (list price) in the calendar month from day 12 (Asia/Shanghai) window');
    expect(full?.until_ms).toBe(Date.UTC(2026, 1, 11, 16, 0, 0));
    expect(send(cfg, 'monthly/m', Date.UTC(2026, 1, 11, 16, 0, 0))).toBeNull();
  });
});

describe('reconcile adjustments', () => {
  it('an adjustment row counts in every sum the guard reads, per-model ones only for their model', () => {
    const go = provider('go', [model('pro', { price: { input: 0, output: 1000 } }, 'subscription'), model('flash', { price: { input: 0, output: 1000 } }, 'subscription')], {
      limits: { windows: [{ hours: 5, usd: 12 }, { hours: 744, usd: 3, models: ['pro'] }] },
    });
    const cfg = config([go], []);
    const NOW = Date.UTC(2026, 0, 20, 12, 0, 0);
    ledger.recordAdjustment({ provider: 'go', model: 'pro', at_ms: NOW - HOUR, list_usd: 2.5, reason: 'test', now_ms: NOW });
    expect(ledger.usage(providerWindows(cfg, NOW), NOW).providers.go.windows.map((window) => window.usd)).toEqual([2.5, 2.5]);
    expect(send(cfg, 'go/pro', NOW)?.reason).toContain('744 h, pro window');
    expect(send(cfg, 'go/flash', NOW)).toBeNull();
    // it is history, not evidence of the model's health
    expect(ledger.healthEvidence(NOW + 1000).map((entry) => entry.model)).toEqual(['flash']);
  });
});
