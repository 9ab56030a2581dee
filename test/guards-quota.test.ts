// The quota guard: per minute, per UTC day, rolling windows in requests or USD, with quota weights.
import { describe, expect, it } from 'vitest';
import { quotaGuard } from '../src/router/index.js';
import { config, guardContext, model, provider, snapshot, traits, usage, NOON_MS, NEXT_MIDNIGHT_MS } from './router-helpers.js';

const openrouter = provider('openrouter', [model('a:free')], { limits: { requests_per_minute: 20, requests_per_day: 50 } });
const zai = provider('zai', [model('glm-4.7', {}, 'subscription'), model('glm-5', { quota_weight: 3 }, 'subscription')], { limits: { windows: [{ hours: 5, requests: 120 }] } });
// OpenCode Go: $12 per 5 h at list price; price $1/$2 per M, 4000 chars + 1000 out → $0.003 worst case
const go = provider('go', [model('kimi', { price: { input: 1, output: 2 }, max_output: 1000 }, 'subscription'), model('unpriced', {}, 'subscription')], { limits: { windows: [{ hours: 5, usd: 12 }, { hours: 168, usd: 30 }] } });
const cfg = config([openrouter, zai, go], []);

const quota = (ref: string, providers: Parameters<typeof snapshot>[1], now = NOON_MS) => quotaGuard(guardContext(cfg, ref, { snapshot: snapshot(now, providers) }));

describe('quota guard', () => {
  it('rejects the 21st request of a minute and frees 60 s plus the 1 s margin after the oldest one', () => {
    expect(quota('openrouter/a:free', [usage('openrouter', { minute: 19 })])).toBeNull();
    const rejection = quota('openrouter/a:free', [usage('openrouter', { minute: 20, minute_oldest_ms: NOON_MS - 45_000 })]);
    expect(rejection?.reason).toBe('20/20 requests this minute');
    expect(rejection?.until_ms).toBe(NOON_MS + 15_000 + 1_000);
  });
  it('without the oldest timestamp, assumes a full minute from now', () => {
    expect(quota('openrouter/a:free', [usage('openrouter', { minute: 20 })])?.until_ms).toBe(NOON_MS + 61_000);
  });
  it('rejects past the day limit until the next 00:00 UTC, also a millisecond before midnight', () => {
    expect(quota('openrouter/a:free', [usage('openrouter', { day: 49 })])).toBeNull();
    expect(quota('openrouter/a:free', [usage('openrouter', { day: 50 })])?.until_ms).toBe(NEXT_MIDNIGHT_MS);
    expect(quota('openrouter/a:free', [usage('openrouter', { day: 50 })], NEXT_MIDNIGHT_MS - 1)?.until_ms).toBe(NEXT_MIDNIGHT_MS);
  });
  it('when two limits are hit, waits for the later one', () => {
    const rejection = quota('openrouter/a:free', [usage('openrouter', { minute: 20, day: 50 })]);
    expect(rejection?.until_ms).toBe(NEXT_MIDNIGHT_MS);
    expect(rejection?.reason).toContain('this minute');
    expect(rejection?.reason).toContain('today');
  });
  it('counts the model quota weight: a weight-3 request needs 3 free slots', () => {
    const window = (requests: number) => [usage('zai', { windows: [{ hours: 5, requests, usd: 0, oldest_ms: NOON_MS - 3_600_000 }] })];
    expect(quota('zai/glm-5', window(117))).toBeNull();
    const rejection = quota('zai/glm-5', window(118));
    expect(rejection?.reason).toContain('118/120 requests in the 5 h window');
    expect(rejection?.until_ms).toBe(NOON_MS + 4 * 3_600_000 + 1_000);
    expect(quota('zai/glm-4.7', window(119))).toBeNull();
  });
  it('counts USD windows at list price with the worst-case estimate', () => {
    const spent = (usd5h: number, usdWeek = 0) => [usage('go', { windows: [{ hours: 5, requests: 0, usd: usd5h }, { hours: 168, requests: 0, usd: usdWeek }] })];
    expect(quota('go/kimi', spent(12 - 0.003))).toBeNull();
    expect(quota('go/kimi', spent(12 - 0.002))?.reason).toContain('5 h window');
    const weekly = quota('go/kimi', spent(0, 30));
    expect(weekly?.reason).toContain('168 h window');
    expect(weekly?.until_ms).toBe(NOON_MS + 168 * 3_600_000 + 1_000);
  });
  it('an unpriced model is blocked by a full USD window but not by a partly used one', () => {
    expect(quota('go/unpriced', [usage('go', { windows: [{ hours: 5, requests: 0, usd: 11.99 }, { hours: 168, requests: 0, usd: 0 }] })])).toBeNull();
    expect(quota('go/unpriced', [usage('go', { windows: [{ hours: 5, requests: 0, usd: 12 }, { hours: 168, requests: 0, usd: 0 }] })])?.reason).toContain('price unknown');
  });
  it('limits.margin_seconds sets the margin per provider; 0 frees the window exactly when its oldest request leaves', () => {
    const exact = provider('exact', [model('a:free')], { limits: { requests_per_minute: 2, margin_seconds: 0 } });
    const slow = provider('slow', [model('a:free')], { limits: { requests_per_minute: 2, margin_seconds: 5 } });
    const both = config([exact, slow], []);
    const full = (name: string) => quotaGuard(guardContext(both, `${name}/a:free`, { snapshot: snapshot(NOON_MS, [usage(name, { minute: 2, minute_oldest_ms: NOON_MS - 30_000 })]) }));
    expect(full('exact')?.until_ms).toBe(NOON_MS + 30_000);
    expect(full('slow')?.until_ms).toBe(NOON_MS + 35_000);
  });
  it('a provider with no usage yet passes', () => {
    expect(quotaGuard(guardContext(cfg, 'openrouter/a:free', { traits: traits() }))).toBeNull();
  });
});

describe('quota guard: requests in flight', () => {
  const busy = provider('busy', [model('glm-4.7', {}, 'subscription')], { limits: { concurrency: 2 } });
  const busyConfig = config([busy], []);
  const check = (in_flight: number) => quotaGuard(guardContext(busyConfig, 'busy/glm-4.7', { snapshot: snapshot(NOON_MS, [usage('busy', { in_flight })]) }));
  it('allows up to limits.concurrency requests at once and rejects the next for a short wait', () => {
    expect(check(1)).toBeNull();
    const rejection = check(2);
    expect(rejection?.guard).toBe('quota');
    expect(rejection?.reason).toBe('2/2 requests in flight');
    expect(rejection?.until_ms).toBe(NOON_MS + 5_000);
  });
});

describe('quota guard: the eval reserve (a deferred eval leaves this share of each window to ordinary runs)', () => {
  const evalQuota = (ref: string, providers: Parameters<typeof snapshot>[1], reserve = 0.2) =>
    quotaGuard(guardContext(cfg, ref, { snapshot: snapshot(NOON_MS, providers), traits: traits({ reserve }) }));

  it('stops at 80% of the day and the minute, until the window frees; an ordinary request still fits', () => {
    expect(evalQuota('openrouter/a:free', [usage('openrouter', { day: 39 })])).toBeNull();
    const day = evalQuota('openrouter/a:free', [usage('openrouter', { day: 40 })]);
    expect(day?.reason).toBe('eval reserve: 40/40 requests today (UTC) (20% of each window is kept for ordinary runs)');
    expect(day?.until_ms).toBe(NEXT_MIDNIGHT_MS);
    expect(quota('openrouter/a:free', [usage('openrouter', { day: 40 })])).toBeNull();
    expect(evalQuota('openrouter/a:free', [usage('openrouter', { minute: 16, minute_oldest_ms: NOON_MS - 30_000 })])?.until_ms).toBe(NOON_MS + 31_000);
    expect(evalQuota('openrouter/a:free', [usage('openrouter', { minute: 15 })])).toBeNull();
  });

  it('covers rolling request and USD windows, with the quota weight', () => {
    // 120 per 5 h, reserve 0.5: an eval may fill 60; a weight-3 request at 58 does not fit
    expect(evalQuota('zai/glm-4.7', [usage('zai', { windows: [{ hours: 5, requests: 59, usd: 0 }] })], 0.5)).toBeNull();
    expect(evalQuota('zai/glm-5', [usage('zai', { windows: [{ hours: 5, requests: 58, usd: 0 }] })], 0.5)?.reason).toContain('58/60 requests in the 5 h window (this model counts 3×)');
    // $12 per 5 h, reserve 0.25: $9 is the eval's share; $8.999 used + $0.003 worst case does not fit
    expect(evalQuota('go/kimi', [usage('go', { windows: [{ hours: 5, requests: 0, usd: 8.999 }, { hours: 168, requests: 0, usd: 0 }] })], 0.25)?.reason).toContain('> $9 (list price) in the 5 h window');
    expect(evalQuota('go/kimi', [usage('go', { windows: [{ hours: 5, requests: 0, usd: 8 }, { hours: 168, requests: 0, usd: 0 }] })], 0.25)).toBeNull();
  });
});
