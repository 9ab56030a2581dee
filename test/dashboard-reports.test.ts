// The dashboard's reports over a real SQLite ledger: the burn-rate forecast, the reset times, spend per day, the
// per-model figures, and a read-only ledger that refuses to write.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../src/ledger/index.js';
import type { Limits } from '../src/types.js';
import { quotaReport } from '../src/report/quota-report.js';
import { spendReport } from '../src/report/spend-report.js';
import { modelReport, percentile } from '../src/report/model-report.js';
import { usageJson } from '../src/report/usage-json.js';
import { config, model, NEXT_MIDNIGHT_MS, NOON_MS, provider } from './router-helpers.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
let home: string;
let ledger: Ledger;
afterEach(() => {
  ledger?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

function fresh(): Ledger {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-reports-'));
  ledger = openLedger(home);
  return ledger;
}

/** one finished request, as the runner records it */
function attempt(at_ms: number, options: { provider?: string; model?: string; status?: 'ok' | 'error'; cost?: number; list?: number; duration?: number; billing?: 'free' | 'metered' } = {}): void {
  const reserved = ledger.reserve(
    { run_id: null, step_id: null, provider: options.provider ?? 'local', model: options.model ?? 'small', billing: options.billing ?? 'free', weight: 1, reserved_usd: 0, now_ms: at_ms },
    [],
    () => null,
  );
  if (!('attempt_id' in reserved)) throw new Error('not reserved');
  ledger.finishAttempt(reserved.attempt_id, {
    status: options.status ?? 'ok',
    error_kind: options.status === 'error' ? 'overloaded' : undefined,
    error_message: options.status === 'error' ? 'upstream broke' : undefined,
    http_status: options.status === 'error' ? 500 : undefined,
    cost_usd: options.cost ?? 0,
    list_usd: options.list,
    duration_ms: options.duration ?? 100,
    now_ms: at_ms + 100,
  });
}

const local = (limits: Limits) => provider('local', [model('small'), model('large')], { limits });

describe('quota report', () => {
  it('forecasts from the last hour: 12 left at 6 an hour runs out at 14:00, before 00:00 UTC', () => {
    fresh();
    // two requests in the morning do not count towards the rate, six in the last hour do
    attempt(NOON_MS - 5 * HOUR);
    attempt(NOON_MS - 4 * HOUR);
    for (let index = 0; index < 6; index++) attempt(NOON_MS - 50 * MINUTE + index * 5 * MINUTE);
    const setup = config([local({ requests_per_day: 20 })], []);
    const [day] = quotaReport(setup, ledger, {}, NOON_MS);
    expect(day).toMatchObject({ window: 'day (UTC)', unit: 'requests', used: 8, limit: 20, remaining: 12, burn_per_hour: 6, low: false });
    // 12 left at 6 an hour: two hours, still before midnight
    expect(day.exhausted_utc).toBe(new Date(NOON_MS + 2 * HOUR).toISOString());
    expect(day.reset_utc).toBe(new Date(NEXT_MIDNIGHT_MS).toISOString());
    expect(day.runs_out_before_reset).toBe(true);
    expect(day.warning).toBe('at this rate it runs out at 2026-01-15 14:00 UTC, before it resets at 2026-01-16 00:00 UTC');
    // the chart climbs from 0 at midnight to the snapshot's own figure
    expect(day.series.used[0]).toBe(0);
    expect(day.series.used.at(-1)).toBe(8);
    expect(day.series.t.at(-1)).toBe(NOON_MS / 1000);
    expect(day.series.used).toEqual([...day.series.used].sort((a, b) => a - b));
  });

  it('a rolling window resets when its oldest counted request leaves it, and under 20% left is flagged', () => {
    fresh();
    attempt(NOON_MS - 4 * HOUR);
    attempt(NOON_MS - 3 * HOUR);
    attempt(NOON_MS - 2 * HOUR);
    attempt(NOON_MS - 6 * HOUR); // outside the 5-hour window
    const setup = config([local({ windows: [{ hours: 5, requests: 3 }] })], []);
    const [window] = quotaReport(setup, ledger, {}, NOON_MS);
    expect(window).toMatchObject({ window: '5 h', used: 3, remaining: 0, left_share: 0, low: true, burn_per_hour: 0 });
    expect(window.reset_utc).toBe(new Date(NOON_MS - 4 * HOUR + 5 * HOUR).toISOString());
    // used up now, so it "runs out" now, before that reset
    expect(window.exhausted_utc).toBe(new Date(NOON_MS).toISOString());
    expect(window.warning).toBe('0% left; used up until 2026-01-15 13:00 UTC');
  });

  it('nothing burning: no exhaustion forecast and no warning', () => {
    fresh();
    attempt(NOON_MS - 3 * HOUR);
    const [day] = quotaReport(config([local({ requests_per_day: 50 })], []), ledger, {}, NOON_MS);
    expect(day).toMatchObject({ used: 1, burn_per_hour: 0, exhausted_utc: null, low: false, runs_out_before_reset: false, warning: null });
  });

  it('a calendar week resets at next Monday 00:00, and a per-model cap charts only its models', () => {
    fresh();
    const monday = Date.UTC(2026, 0, 12, 0, 0, 0); // NOON_MS is Thursday 2026-01-15
    attempt(monday - HOUR); // Sunday: last week
    attempt(monday + 10 * HOUR);
    attempt(NOON_MS - 2 * HOUR, { model: 'large' });
    attempt(NOON_MS - HOUR, { model: 'large' });
    attempt(NOON_MS - 30 * MINUTE);
    const setup = config([local({ windows: [{ calendar: 'week', timezone: 'UTC', requests: 10 }, { hours: 5, requests: 2, models: ['large'] }] })], []);
    const [week, cap] = quotaReport(setup, ledger, {}, NOON_MS);
    expect(week).toMatchObject({ window: 'calendar week (UTC)', used: 4, remaining: 6 });
    expect(week.reset_utc).toBe(new Date(Date.UTC(2026, 0, 19, 0, 0, 0)).toISOString());
    // the chart starts at Monday 00:00 with nothing counted yet
    expect(week.series.t[0]).toBe(monday / 1000);
    expect(week.series.used[0]).toBe(0);
    expect(cap).toMatchObject({ window: '5 h, large', used: 2, remaining: 0, low: true });
    expect(cap.reset_utc).toBe(new Date(NOON_MS - 2 * HOUR + 5 * HOUR).toISOString());
    // the small model's requests never show in the cap's chart: it never holds more than the 2 large ones
    expect(Math.max(...cap.series.used)).toBe(2);
    const usage = usageJson(setup, ledger, {}, NOON_MS);
    expect([week, cap].map(({ window, unit, limit, used, remaining }) => ({ window, unit, limit, used, remaining }))).toEqual(usage.providers[0].limits);
  });

  it('its current figures are the usage report’s (what `portai usage --json` prints)', () => {
    fresh();
    for (let index = 0; index < 3; index++) attempt(NOON_MS - index * MINUTE);
    const setup = config([local({ requests_per_minute: 5, requests_per_day: 9, windows: [{ hours: 2, requests: 7 }] })], []);
    const usage = usageJson(setup, ledger, {}, NOON_MS);
    const quota = quotaReport(setup, ledger, {}, NOON_MS);
    expect(quota.map(({ window, unit, limit, used, remaining }) => ({ window, unit, limit, used, remaining }))).toEqual(usage.providers[0].limits);
  });
});

describe('quota report from the usage counters', () => {
  /** the old report's way: every attempt of the span read back and summed in JS, at the counters report's own points */
  function fromFacts(window: ReturnType<typeof quotaReport>[number], span: { rolling_ms: number } | { from_ms: number }, unit: 'weight' | 'list_usd', now: number) {
    const facts = ledger.usageFactsSince('local', now - 3 * 168 * HOUR);
    const sum = (from: number, to: number) => facts.filter((fact) => fact.started_ms >= from && fact.started_ms < to).reduce((total, fact) => total + fact[unit], 0);
    const used = window.series.t.slice(0, -1).map((t) => {
      const at = t * 1000;
      return Math.round(('rolling_ms' in span ? sum(at - span.rolling_ms, at) : sum(span.from_ms, at)) * 1e6) / 1e6;
    });
    const length = 'rolling_ms' in span ? span.rolling_ms : 0;
    const counted = facts.filter((fact) => fact.started_ms > now - length && fact.started_ms <= now && fact[unit] > 0);
    return { used, oldest: counted.length > 0 ? counted[0].started_ms : null };
  }

  it('equals the sums over the attempts: chart points at bucket boundaries, the burn rate and the reset time', () => {
    fresh();
    const now = NOON_MS + 17 * MINUTE + 23_456;
    // on hour, minute and second boundaries, a millisecond either side of them, and inside the partial edges
    const times = [
      now - 300 * HOUR, now - 200 * HOUR, NOON_MS - 100 * HOUR, NOON_MS - 100 * HOUR - 1, NOON_MS - 100 * HOUR + 1, NOON_MS - 50 * HOUR,
      NOON_MS - 9 * HOUR, NOON_MS - 5 * HOUR, NOON_MS - 5 * HOUR + 1, NOON_MS - 4 * HOUR - 30 * MINUTE, NOON_MS - 90 * MINUTE - 1,
      NOON_MS - 30 * MINUTE, NOON_MS - MINUTE, NOON_MS, NOON_MS + 10 * MINUTE, NOON_MS + 16 * MINUTE + 30_000, now - 61_000, now - 60_000,
      now - 59_999, now - 30_000, now - 30_001, now - 2_000, now - 1, now,
    ];
    // and on both edges of some chart points' windows, a millisecond either side: the 5 h chart's point at 08:07 (from
    // 02:17, every 10 minutes), the 168 h chart's at Jan 10 20:00 (from Jan 1 12:17 every 5.6 h, on the hour), the
    // minute chart's at 12:15:43 (from 12:15:23.456 every 2 s, on the second)
    for (const edge of [Date.UTC(2026, 0, 15, 8, 7), Date.UTC(2026, 0, 15, 3, 7), Date.UTC(2026, 0, 10, 20), Date.UTC(2026, 0, 3, 20), Date.UTC(2026, 0, 15, 12, 15, 43), Date.UTC(2026, 0, 15, 12, 14, 43)]) {
      times.push(edge, edge - 1);
    }
    times.forEach((at, index) => attempt(at, { model: index % 3 === 0 ? 'large' : 'small', list: 0.01 * (index + 1) }));
    const setup = config([local({ margin_seconds: 0, requests_per_minute: 10, requests_per_day: 100, windows: [{ hours: 5, requests: 40 }, { hours: 168, requests: 400 }, { hours: 5, usd: 5 }, { hours: 5, requests: 20, models: ['large'] }] })], []);
    const [minute, day, five, week, fiveUsd, cap] = quotaReport(setup, ledger, {}, now);
    expect([minute, day, five, week, fiveUsd, cap].map((window) => window.window)).toEqual(['minute', 'day (UTC)', '5 h', '168 h', '5 h', '5 h, large']);
    const startOfDay = Date.UTC(2026, 0, 15);
    const cases: Array<[typeof minute, { rolling_ms: number } | { from_ms: number }, 'weight' | 'list_usd', number]> = [
      [minute, { rolling_ms: MINUTE }, 'weight', 1_000],
      [day, { from_ms: startOfDay }, 'weight', MINUTE],
      [five, { rolling_ms: 5 * HOUR }, 'weight', MINUTE],
      [week, { rolling_ms: 168 * HOUR }, 'weight', HOUR],
      [fiveUsd, { rolling_ms: 5 * HOUR }, 'list_usd', MINUTE],
    ];
    for (const [window, span, unit, grid] of cases) {
      const reference = fromFacts(window, span, unit, now);
      // each point sits on the grid of the buckets it is drawn from (seconds, minutes, hours) and holds exactly the sum
      expect(window.series.t.slice(0, -1).every((t) => (t * 1000) % grid === 0)).toBe(true);
      expect(window.series.used.slice(0, -1)).toEqual(reference.used);
      expect(window.series.t).toHaveLength(61);
      if ('rolling_ms' in span) expect(window.reset_utc).toBe(reference.oldest === null ? null : new Date(reference.oldest + span.rolling_ms).toISOString());
    }
    // the charts are not flat: the fill shows in them
    expect(new Set(week.series.used).size).toBeGreaterThan(3);
    expect(new Set(five.series.used).size).toBeGreaterThan(3);
    // the burn rates: the last hour (the minute window: its minute) summed from the attempts
    const inLast = (length: number, pick: (index: number) => number, models?: string[]) =>
      times.reduce((total, at, index) => total + (at > now - length && at <= now && (!models || models.includes(index % 3 === 0 ? 'large' : 'small')) ? pick(index) : 0), 0);
    expect(minute.burn_per_hour).toBeCloseTo(inLast(MINUTE, () => 1) * 60, 6);
    expect(five.burn_per_hour).toBeCloseTo(inLast(HOUR, () => 1), 6);
    expect(day.burn_per_hour).toBeCloseTo(inLast(HOUR, () => 1), 6);
    expect(fiveUsd.burn_per_hour).toBeCloseTo(inLast(HOUR, (index) => 0.01 * (index + 1)), 6);
    expect(cap.burn_per_hour).toBeCloseTo(inLast(HOUR, () => 1, ['large']), 6);
    // the per-model cap charts its model alone
    const large = ledger.usageFactsSince('local', now - 20 * HOUR).filter((fact) => fact.model === 'large');
    expect(cap.series.used.slice(0, -1)).toEqual(cap.series.t.slice(0, -1).map((t) => large.filter((fact) => fact.started_ms >= t * 1000 - 5 * HOUR && fact.started_ms < t * 1000).length));
  });
});

describe('spend report', () => {
  it('adds reported costs per UTC day and provider, and today is the usage report’s figure', () => {
    fresh();
    const paid = provider('paid', [model('pricey', {}, 'metered')], { billing: 'metered' });
    attempt(NOON_MS - 24 * HOUR, { provider: 'paid', model: 'pricey', cost: 0.5, billing: 'metered' });
    attempt(NOON_MS - 1 * HOUR, { provider: 'paid', model: 'pricey', cost: 0.25, billing: 'metered' });
    attempt(NOON_MS - 2 * HOUR, { provider: 'local', cost: 0.01 });
    const report = spendReport(config([local({}), paid], [], 1), ledger, {}, NOON_MS, 3);
    expect(report.days.map((day) => day.day)).toEqual(['2026-01-13', '2026-01-14', '2026-01-15']);
    expect(report.days.map((day) => day.usd)).toEqual([0, 0.5, 0.26]);
    expect(report.days[2].by_provider).toEqual({ paid: 0.25, local: 0.01 });
    expect(report.spend_today_usd).toBe(0.26);
    expect(report.budget_usd_per_day).toBe(1);
  });

  it('lists every cost alarm, cleared ones too', () => {
    fresh();
    ledger.addBlock({ provider: 'local', model: null, scope: 'provider', kind: 'cost_alarm', reason: 'free model small reported a cost of $0.01', until_ms: null });
    ledger.clearBlocks('local', 'cost_alarm');
    ledger.addBlock({ provider: 'local', model: null, scope: 'provider', kind: 'cost_alarm', reason: 'again', until_ms: null });
    const { alarms } = spendReport(config([local({})], []), ledger, {}, NOON_MS);
    expect(alarms.map((alarm) => [alarm.reason, alarm.cleared_utc === null])).toEqual([
      ['again', true],
      ['free model small reported a cost of $0.01', false],
    ]);
  });
});

describe('model report', () => {
  it('success rate, nearest-rank p50/p95, actual vs list cost and the last error per model', () => {
    fresh();
    [100, 200, 300, 400, 1000].forEach((duration, index) => attempt(NOON_MS - HOUR + index * MINUTE, { duration, cost: 0, list: 0.01 }));
    attempt(NOON_MS - 10 * MINUTE, { status: 'error' });
    const report = modelReport(config([local({})], []), ledger, NOON_MS);
    const small = report.models.find((entry) => entry.model === 'small')!;
    expect(small).toMatchObject({ attempts: 6, ok: 5, errors: 1, success_rate: 0.833333, p50_ms: 300, p95_ms: 1000, cost_usd: 0, list_usd: 0.05 });
    expect(small.last_error).toMatchObject({ kind: 'overloaded', http_status: 500, message: 'upstream broke' });
    // configured but never used: listed, with no figures
    expect(report.models.find((entry) => entry.model === 'large')).toMatchObject({ attempts: 0, success_rate: null, p50_ms: null });
  });

  it('counts refusals per guard from the stored plans, and reads the catalog: gone, re-priced, expiring', () => {
    fresh();
    const runId = ledger.createRun({ skill: 'greet', skill_file: '/skills/greet.yaml', skill_hash: 'h', inputs: {}, now_utc: 'n', today: 't', status: 'blocked' });
    const rejection = (model: string, guard: 'quota' | 'privacy') => ({ ref: `local/${model}`, provider: 'local', model, guard, reason: `${guard} says no` });
    ledger.savePlan(runId, 'say', { step: 'say', rule: 0, rule_text: 'routes[0]', candidates: [], rejected: [rejection('small', 'quota'), rejection('large', 'privacy')], prompt_tokens_estimate: 10, estimate_usd: { low: 0, expected: 0, high: 0 } });
    ledger.savePlan(runId, 'again', { step: 'again', rule: 0, rule_text: 'routes[0]', candidates: [], rejected: [rejection('small', 'quota')], prompt_tokens_estimate: 10, estimate_usd: { low: 0, expected: 0, high: 0 } });
    const synced = provider('local', [model('small'), model('large'), model('old')]);
    synced.catalog = '/models';
    const row = (id: string, prices: [number, number], expiration: string | null = null) => ({ id, prompt_price: prices[0], completion_price: prices[1], context: 1000, expiration, raw: {} });
    ledger.saveCatalog('local', [row('small', [0, 0], new Date(NOON_MS + 3 * 86_400_000).toISOString().slice(0, 10)), row('large', [0.5, 1])], NOON_MS - HOUR);
    const models = modelReport(config([synced], []), ledger, NOON_MS).models;
    const byId = (id: string) => models.find((entry) => entry.model === id)!;
    expect(byId('small').refusals).toEqual({ quota: 2 });
    expect(byId('large').refusals).toEqual({ privacy: 1 });
    expect(byId('small').catalog).toMatchObject({ gone: false, priced: false, expires: '2026-01-18' });
    expect(byId('large').catalog).toMatchObject({ gone: false, priced: true, expires: null });
    expect(byId('old').catalog).toMatchObject({ gone: true });
  });

  it('percentile is the nearest rank', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile(Array.from({ length: 20 }, (_unused, index) => index + 1), 0.95)).toBe(19);
  });

  it('eval pass rates per skill, not-run cases left out', () => {
    fresh();
    for (const status of ['pass', 'pass', 'fail', 'not_run'] as const) {
      ledger.saveEvalResult({ skill: 'greet', skill_hash: 'h', case_id: 'c', candidate: 'local/small', served_model: 'small', status, cost_usd: 0, latency_ms: 10, now_ms: NOON_MS - HOUR });
    }
    const small = modelReport(config([local({})], []), ledger, NOON_MS).models.find((entry) => entry.model === 'small')!;
    expect(small.evals).toEqual([{ skill: 'greet', passed: 2, failed: 1, pass_rate: 0.666667 }]);
  });
});

describe('read-only ledger', () => {
  it('reads what another connection wrote, and refuses to write', () => {
    fresh();
    const reader = openLedger(home, { readonly: true });
    try {
      const before = reader.changeMark();
      attempt(NOON_MS);
      expect(reader.usage([{ name: 'local', windows: [] }], NOON_MS).providers.local.day).toBe(1);
      expect(reader.changeMark()).not.toBe(before);
      expect(() => reader.addBlock({ provider: 'local', model: null, scope: 'provider', kind: 'cost_alarm', reason: 'x', until_ms: null })).toThrow(/readonly/i);
    } finally {
      reader.close();
    }
  });
});
