// Rule matching, wildcard expansion, --use, plan ordering and rejection reasons, admit, formatting.
import { describe, expect, it } from 'vitest';
import { matchRule, expandRefs, plan, admit, formatPlan, blockedSummary, thinkingFor, candidateFacts, globToRegExp } from '../src/router/index.js';
import { BadInputError } from '../src/errors.js';
import type { RouteRule } from '../src/types.js';
import { config, keysFor, model, provider, snapshot, traits, usage, NOON_MS, NEXT_MIDNIGHT_MS } from './router-helpers.js';

describe('matchRule', () => {
  const routes: RouteRule[] = [
    { when: { effort: 'high' }, use: ['a/x'] },
    { when: { skill: 'cal-?-*' }, use: ['a/x'] },
    { when: { tag: 'background', privacy: 'public' }, use: ['a/x'] },
    { use: ['a/x'] },
  ];
  it('returns the first rule whose every key matches, else the catch-all', () => {
    expect(matchRule(routes, traits({ effort: 'high', skill: 'cal-1-x' }))).toBe(0);
    expect(matchRule(routes, traits({ skill: 'cal-1-update' }))).toBe(1);
    expect(matchRule(routes, traits({ skill: 'cal-12-update' }))).toBe(3);
    expect(matchRule(routes, traits({ tags: ['x', 'background'], privacy: 'public' }))).toBe(2);
    expect(matchRule(routes, traits({ tags: ['background'], privacy: 'private' }))).toBe(3);
  });
  it('returns null when nothing matches', () => {
    expect(matchRule(routes.slice(0, 3), traits())).toBeNull();
  });
  it('glob metacharacters other than * and ? are literal', () => {
    expect(globToRegExp('a.b*').test('a.bc')).toBe(true);
    expect(globToRegExp('a.b*').test('axbc')).toBe(false);
    expect(globToRegExp('(x)+').test('(x)+')).toBe(true);
  });
});

const free = provider('openrouter', [model('openrouter/free'), model('nvidia/nemo:free', { trains_on_data: true }), model('qwen/q:free', { context: 5000 })], { family: 'openrouter', wildcard: ['nvidia/nemo:free', 'qwen/q:free', 'openrouter/free'] });
const zai = provider('zai', [model('glm-4.7', { thinking: 'zai-thinking', trains_on_data: false }, 'subscription')], { limits: { requests_per_day: 10 } });
const paid = provider('paid', [model('gem', { price: { input: 1, output: 2 }, max_output: 1000, trains_on_data: false }, 'metered'), model('cheap', { price: { input: 0.1, output: 0.2 }, max_output: 1000, trains_on_data: false }, 'metered')]);

describe('expandRefs', () => {
  const cfg = config([free, zai, paid], []);
  it('expands provider/* in wildcard order, splits at the first slash and removes duplicates', () => {
    const refs = expandRefs(['openrouter/openrouter/free', 'openrouter/*', 'zai/glm-4.7'], cfg);
    expect(refs.map((entry) => entry.ref)).toEqual(['openrouter/openrouter/free', 'openrouter/nvidia/nemo:free', 'openrouter/qwen/q:free', 'zai/glm-4.7']);
    expect(refs[0]).toEqual({ ref: 'openrouter/openrouter/free', provider: 'openrouter', model: 'openrouter/free' });
  });
  it('rejects an unknown provider or a malformed ref as bad input', () => {
    expect(() => expandRefs(['nobody/*'], cfg)).toThrow(BadInputError);
    expect(() => expandRefs(['no-slash'], cfg)).toThrow(/provider>\/<model>/);
  });
  it('candidateFacts finds the resolved entries, and rejects an unlisted model', () => {
    expect(candidateFacts(cfg, 'openrouter/nvidia/nemo:free').model.trains_on_data).toBe(true);
    expect(() => candidateFacts(cfg, 'zai/glm-9')).toThrow(BadInputError);
  });
});

describe('plan', () => {
  const routes: RouteRule[] = [
    { when: { effort: 'high' }, use: ['zai/glm-4.7', 'paid/gem', 'openrouter/*'] },
    { use: ['openrouter/*', 'paid/cheap'] },
  ];
  const cfg = config([free, zai, paid], routes, 1);
  const base = { config: cfg, snapshot: snapshot(), blocks: [], env: keysFor(cfg) };

  it('keeps route order and records every rejection with its guard', () => {
    const result = plan({ ...base, traits: traits({ effort: 'high', privacy: 'private', prompt_chars: 4000, max_output_tokens: 100 }) });
    expect(result.rule).toBe(0);
    expect(result.rule_text).toContain('effort=high');
    expect(result.candidates.map((candidate) => candidate.ref)).toEqual(['zai/glm-4.7', 'paid/gem', 'openrouter/qwen/q:free', 'openrouter/openrouter/free']);
    expect(result.rejected.map((rejection) => [rejection.ref, rejection.guard])).toEqual([['openrouter/nvidia/nemo:free', 'privacy']]);
    expect(result.prompt_tokens_estimate).toBe(1000);
    // gem: worst (1000×1 + 100×2)/1e6 = 0.0012, expected (1000 + 50×2)/1e6 = 0.0011
    expect(result.candidates[1]).toMatchObject({ billing: 'metered', worst_usd: 0.0012, expected_usd: 0.0011 });
    expect(result.estimate_usd).toEqual({ low: 0, expected: 0, high: 0.0012 });
  });
  it('a metered model not named by the matched rule is never a candidate', () => {
    const result = plan({ ...base, traits: traits({ prompt_chars: 4000 }) });
    expect(result.rule).toBe(1);
    expect(result.candidates.map((candidate) => candidate.ref)).toContain('paid/cheap');
    expect(result.candidates.map((candidate) => candidate.ref)).not.toContain('paid/gem');
  });
  it('--use plans just that candidate, still guarded, and rejects an unknown ref', () => {
    const used = plan({ ...base, traits: traits(), use: 'paid/gem' });
    expect(used).toMatchObject({ rule: null, rule_text: '--use' });
    expect(used.candidates.map((candidate) => candidate.ref)).toEqual(['paid/gem']);
    const overBudget = plan({ ...base, snapshot: snapshot(NOON_MS, [], 1), traits: traits(), use: 'paid/gem' });
    expect(overBudget.candidates).toEqual([]);
    expect(overBudget.rejected[0]).toMatchObject({ guard: 'spend', until_ms: NEXT_MIDNIGHT_MS });
    expect(() => plan({ ...base, traits: traits(), use: 'paid/nope' })).toThrow(BadInputError);
  });
  it('runs the guards in their fixed order: key is reported before privacy', () => {
    const result = plan({ ...base, env: {}, traits: traits({ privacy: 'private' }) });
    expect(result.rejected.find((rejection) => rejection.model === 'nvidia/nemo:free')?.guard).toBe('key');
    const dry = plan({ ...base, env: {}, ignoreKeys: true, traits: traits({ privacy: 'private' }) });
    expect(dry.rejected.find((rejection) => rejection.model === 'nvidia/nemo:free')?.guard).toBe('privacy');
  });
  it('an unknown price gives null estimates, never $0', () => {
    const unpriced = provider('paid', [model('gem', { max_output: 1000, price: { input: 1, output: 2 } }, 'metered'), model('cheap', { price: { input: 1, output: 1 } }, 'metered')]);
    const result = plan({ ...base, config: config([free, zai, unpriced], routes, 1), traits: traits({ privacy: 'public' }), use: 'paid/cheap' });
    expect(result.candidates).toEqual([]);
    expect(result.rejected[0]).toMatchObject({ guard: 'spend', until_ms: null });
    expect(result.rejected[0].reason).toContain('max output unknown');
    expect(result.estimate_usd).toEqual({ low: null, expected: null, high: null });
  });
  it('no matching route is a config problem (bad input)', () => {
    expect(() => plan({ ...base, config: config([free], [{ when: { effort: 'high' }, use: ['openrouter/*'] }]), traits: traits() })).toThrow(/no route matches/);
  });
  it('admit re-checks with a fresh snapshot: quota taken meanwhile rejects', () => {
    const step = traits({ effort: 'high' });
    expect(admit({ ref: 'zai/glm-4.7' }, { ...base, traits: step })).toBeNull();
    const rejection = admit({ ref: 'zai/glm-4.7' }, { ...base, traits: step, snapshot: snapshot(NOON_MS, [usage('zai', { day: 10 })]) });
    expect(rejection).toMatchObject({ guard: 'quota', until_ms: NEXT_MIDNIGHT_MS });
    // the low-effort rule does not name paid/gem, so admit refuses to pay for it
    expect(admit({ ref: 'paid/gem' }, { ...base, traits: traits() })?.guard).toBe('spend');
    expect(admit({ ref: 'paid/gem' }, { ...base, traits: traits(), use: 'paid/gem' })).toBeNull();
  });
});

describe('formatting', () => {
  const cfg = config([free, zai, paid], [{ use: ['openrouter/*', 'paid/gem'] }], 1);
  const result = plan({ config: cfg, snapshot: snapshot(NOON_MS, [], 1), blocks: [], env: keysFor(cfg), traits: traits({ privacy: 'private', prompt_chars: 4000 }) });
  it('formatPlan lists the rule, candidates with billing and cost, then rejected lines', () => {
    const lines = formatPlan(result);
    expect(lines[0]).toBe('rule: routes[0] (catch-all) → openrouter/*, paid/gem');
    expect(lines).toContain('  1. openrouter/qwen/q:free (free, est. $0.0000, worst $0.0000)');
    expect(lines).toContain('rejected:');
    expect(lines.some((line) => line.startsWith('  openrouter/nvidia/nemo:free — privacy: ') && line.includes('(unblock: '))).toBe(true);
    expect(lines.some((line) => line.startsWith('  paid/gem — spend: worst case $0.003000'))).toBe(true);
  });
  it('blockedSummary says which guards blocked, how to unblock, and the earliest end', () => {
    const blocked = { ...result, candidates: [] };
    const lines = blockedSummary(blocked);
    expect(lines[0]).toBe('blocked by: privacy ×1, spend ×1');
    expect(lines.at(-1)).toBe('the earliest block ends at 2026-01-16 00:00:00 UTC');
    const forGood = blockedSummary({ ...blocked, rejected: blocked.rejected.filter((rejection) => rejection.guard === 'privacy') });
    expect(forGood.at(-1)).toContain('no block ends by itself');
  });
  it('thinkingFor only switches thinking on for high effort', () => {
    expect(thinkingFor('high', { thinking: 'zai-thinking' })).toBe('zai-thinking');
    expect(thinkingFor('medium', { thinking: 'zai-thinking' })).toBeUndefined();
    expect(thinkingFor('high', {})).toBeUndefined();
  });
});
