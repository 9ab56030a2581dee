// The spend guard: named by the route, price known, worst case within both daily limits.
import { describe, expect, it } from 'vitest';
import { spendGuard } from '../src/router/index.js';
import { config, guardContext, model, provider, snapshot, traits, usage, NOON_MS, NEXT_MIDNIGHT_MS } from './router-helpers.js';

// price $1 in / $2 out per million; 4000 chars = 1000 tokens; 1000 output → worst (1000×1 + 1000×2)/1e6 = $0.003
const gem = model('gem', { price: { input: 1, output: 2 }, max_output: 1000 }, 'metered');
const noPrice = model('mystery', { max_output: 1000 }, 'metered');
const noOutput = model('open-ended', { price: { input: 1, output: 2 } }, 'metered');
const free = model('free-one');
const paid = provider('paid', [gem, noPrice, noOutput, free], { billing: 'metered' });
const capped = provider('capped', [gem], { billing: 'metered', limits: { usd_per_day: 0.01 } });
const WORST = 0.003;

function spend(budget: number, extra: Parameters<typeof guardContext>[2] = {}, ref = 'paid/gem') {
  return spendGuard(guardContext(config([paid, capped], [{ use: ['paid/*'] }], budget), ref, extra));
}

describe('spend guard', () => {
  it('ignores free and subscription models', () => {
    expect(spend(0, {}, 'paid/free-one')).toBeNull();
  });
  it('a surcharge (web search through serve) makes a free model count as spend: the budget must hold it', () => {
    const search = { traits: traits({ surcharge_usd: 0.02 }) };
    expect(spend(0, search, 'paid/free-one')?.reason).toContain('budget.usd_per_day is 0');
    expect(spend(0.05, search, 'paid/free-one')).toBeNull();
    expect(spend(0.05, { ...search, snapshot: snapshot(NOON_MS, [], 0.04) }, 'paid/free-one')?.reason).toContain('worst case $0.0200 > $0.0100 left');
    // on a metered model it adds to the tokens' worst case
    expect(spend(WORST + 0.02, search)).toBeNull();
    expect(spend(WORST + 0.019, search)?.guard).toBe('spend');
  });
  it('blocks for good with the default budget 0, pointing at budget.usd_per_day', () => {
    const rejection = spend(0);
    expect(rejection?.guard).toBe('spend');
    expect(rejection?.until_ms).toBeNull();
    expect(rejection?.unblock).toBe('raise budget.usd_per_day in /tmp/portai.yaml');
  });
  it('requires the route to name the model or its provider', () => {
    expect(spend(1, { named: ['other/*', 'paid/free-one'] })?.reason).toContain('not named');
    expect(spend(1, { named: ['paid/*'] })).toBeNull();
    expect(spend(1, { named: ['paid/gem'] })).toBeNull();
  });
  it('blocks an unknown price, and an unknown max output, rather than assuming small', () => {
    expect(spend(100, {}, 'paid/mystery')?.reason).toContain('price unknown');
    expect(spend(100, {}, 'paid/open-ended')?.reason).toContain('max output unknown');
    expect(spend(100, { traits: traits({ max_output_tokens: 1000 }) }, 'paid/open-ended')).toBeNull();
  });
  it('allows a worst case equal to what is left and rejects one just above, until 00:00 UTC', () => {
    const spent = 1 - WORST;
    expect(spend(1, { snapshot: snapshot(NOON_MS, [], spent) })).toBeNull();
    const rejection = spend(1, { snapshot: snapshot(NOON_MS, [], spent + 0.000001) });
    expect(rejection?.reason).toContain('$0.003000');
    expect(rejection?.until_ms).toBe(NEXT_MIDNIGHT_MS);
  });
  it('never frees by itself when the worst case exceeds the whole budget', () => {
    const rejection = spend(0.002, { snapshot: snapshot(NOON_MS, [], 0) });
    expect(rejection?.until_ms).toBeNull();
  });
  it('the step max_output_tokens drives the worst case', () => {
    // 1000 prompt tokens × $1 + 100 × $2 = $0.0012 ≤ $0.002
    expect(spend(0.002, { traits: traits({ max_output_tokens: 100 }) })).toBeNull();
  });
  it('also honours the provider limits.usd_per_day against that provider\'s spend today', () => {
    const context = { snapshot: snapshot(NOON_MS, [usage('capped', { usd_today: 0.008 })], 0.008) };
    const rejection = spendGuard(guardContext(config([paid, capped], [], 10), 'capped/gem', context));
    expect(rejection?.reason).toContain('providers.capped.limits.usd_per_day');
    const fits = { snapshot: snapshot(NOON_MS, [usage('capped', { usd_today: 0.007 })], 0.007) };
    expect(spendGuard(guardContext(config([paid, capped], [], 10), 'capped/gem', fits))).toBeNull();
  });
  it('a midnight boundary: the day rolls over at 00:00:00.000 UTC', () => {
    const justBefore = NEXT_MIDNIGHT_MS - 1;
    expect(spend(1, { snapshot: snapshot(justBefore, [], 1) })?.until_ms).toBe(NEXT_MIDNIGHT_MS);
    expect(spend(1, { snapshot: snapshot(NEXT_MIDNIGHT_MS, [], 1) })?.until_ms).toBe(NEXT_MIDNIGHT_MS + 86_400_000);
  });
});
