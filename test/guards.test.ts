// key, privacy, context, catalog, health and cost-alarm guards, each alone.
import { describe, expect, it } from 'vitest';
import { keyGuard, privacyGuard, contextGuard, catalogGuard, healthGuard, costAlarmGuard } from '../src/router/index.js';
import type { HealthBlock } from '../src/types.js';
import { config, guardContext, model, provider, traits, NOON_MS } from './router-helpers.js';

const openrouter = provider('openrouter', [model('nvidia/nemo:free', { trains_on_data: true, context: 1000 }), model('mystery:free'), model('clean:free', { trains_on_data: false }), model('paid/x', { price: { input: 1, output: 2 } }, 'metered')], { family: 'openrouter', api_key_env: 'OPENROUTER_API_KEY' });
const zai = provider('zai', [model('glm-4.7', {}, 'subscription'), model('glm-5', { trains_on_data: true }, 'subscription')], { family: 'zai', api_key_env: 'ZAI_API_KEY' });
const local = provider('ollama', [model('llama3')], { family: 'ollama', api_key_env: null });
const cfg = config([openrouter, zai, local], [{ use: ['openrouter/*'] }]);

describe('key guard', () => {
  it('rejects a provider whose key variable is unset or blank and names the variable', () => {
    for (const env of [{}, { ZAI_API_KEY: '' }, { ZAI_API_KEY: '  ' }]) {
      const rejection = keyGuard(guardContext(cfg, 'zai/glm-4.7', { env }));
      expect(rejection).toMatchObject({ guard: 'key', reason: 'key not set (ZAI_API_KEY)', unblock: 'export ZAI_API_KEY=…', until_ms: null });
    }
  });
  it('passes when the key is set, when the provider needs none, and with ignoreKeys (dry run)', () => {
    expect(keyGuard(guardContext(cfg, 'zai/glm-4.7', { env: { ZAI_API_KEY: 'k' } }))).toBeNull();
    expect(keyGuard(guardContext(cfg, 'ollama/llama3', { env: {} }))).toBeNull();
    expect(keyGuard(guardContext(cfg, 'zai/glm-4.7', { env: {}, ignoreKeys: true }))).toBeNull();
  });
});

describe('privacy guard', () => {
  const privateStep = traits({ privacy: 'private' });
  it('keeps a private step away from a model that trains on data, naming the model', () => {
    const rejection = privacyGuard(guardContext(cfg, 'openrouter/nvidia/nemo:free', { traits: privateStep }));
    expect(rejection?.guard).toBe('privacy');
    expect(rejection?.reason).toContain('nvidia/nemo:free');
    expect(rejection?.until_ms).toBeNull();
  });
  it('treats unknown trains_on_data as "may train" except on openrouter (data_collection: deny)', () => {
    expect(privacyGuard(guardContext(cfg, 'openrouter/mystery:free', { traits: privateStep }))).toBeNull();
    const other = privacyGuard(guardContext(cfg, 'zai/glm-4.7', { traits: privateStep }));
    expect(other?.reason).toContain('unknown');
    expect(privacyGuard(guardContext(cfg, 'ollama/llama3', { traits: privateStep }))?.guard).toBe('privacy');
  });
  it('lets public steps use training models and private steps use trains_on_data: false', () => {
    expect(privacyGuard(guardContext(cfg, 'openrouter/nvidia/nemo:free', { traits: traits({ privacy: 'public' }) }))).toBeNull();
    expect(privacyGuard(guardContext(cfg, 'openrouter/clean:free', { traits: privateStep }))).toBeNull();
  });
});

describe('context guard', () => {
  it('rejects when prompt estimate + max output exceeds the context, at the exact boundary it passes', () => {
    // context 1000: 3200 chars = 800 tokens, + 200 output = 1000 fits; + 201 does not
    expect(contextGuard(guardContext(cfg, 'openrouter/nvidia/nemo:free', { traits: traits({ prompt_chars: 3200, max_output_tokens: 200 }) }))).toBeNull();
    const rejection = contextGuard(guardContext(cfg, 'openrouter/nvidia/nemo:free', { traits: traits({ prompt_chars: 3200, max_output_tokens: 201 }) }));
    expect(rejection?.reason).toBe('prompt ~800 tokens + 201 max output > context 1000');
  });
  it('passes an unknown context whatever the prompt', () => {
    expect(contextGuard(guardContext(cfg, 'openrouter/mystery:free', { traits: traits({ prompt_chars: 10_000_000 }) }))).toBeNull();
  });
});

describe('catalog guard', () => {
  const synced_ms = Date.UTC(2026, 0, 10, 8, 0, 0);
  it('rejects a model the last sync saw gone, and a free one that became priced', () => {
    const gone = catalogGuard(guardContext(cfg, 'openrouter/mystery:free', { catalog: [{ provider: 'openrouter', model: 'mystery:free', gone: true, priced: false, synced_ms }] }));
    expect(gone?.reason).toContain('gone');
    const priced = catalogGuard(guardContext(cfg, 'openrouter/mystery:free', { catalog: [{ provider: 'openrouter', model: 'mystery:free', gone: false, priced: true, synced_ms }] }));
    expect(priced?.reason).toBe('not free since 2026-01-10 08:00:00 UTC');
  });
  it('ignores statuses of other models and healthy entries', () => {
    expect(catalogGuard(guardContext(cfg, 'openrouter/mystery:free', { catalog: [{ provider: 'openrouter', model: 'clean:free', gone: true, priced: false, synced_ms }] }))).toBeNull();
    expect(catalogGuard(guardContext(cfg, 'openrouter/mystery:free', { catalog: [{ provider: 'openrouter', model: 'mystery:free', gone: false, priced: false, synced_ms }] }))).toBeNull();
  });
});

describe('health guard', () => {
  const until = NOON_MS + 90_000;
  const block = (overrides: Partial<HealthBlock>): HealthBlock => ({ provider: 'openrouter', model: null, scope: 'provider', kind: 'rate_limited', reason: 'paused', until_ms: until, ...overrides });
  it('a model block covers only that model', () => {
    const blocks = [block({ scope: 'model', model: 'mystery:free', kind: 'model_gone' })];
    expect(healthGuard(guardContext(cfg, 'openrouter/mystery:free', { blocks }))).toMatchObject({ guard: 'health', until_ms: until, unblock: 'wait until 2026-01-15 12:01:30 UTC' });
    expect(healthGuard(guardContext(cfg, 'openrouter/clean:free', { blocks }))).toBeNull();
  });
  it('a provider block covers every model of that entry and no other provider', () => {
    const blocks = [block({})];
    expect(healthGuard(guardContext(cfg, 'openrouter/paid/x', { blocks }))?.guard).toBe('health');
    expect(healthGuard(guardContext(cfg, 'zai/glm-4.7', { blocks }))).toBeNull();
  });
  it('a free_pool block covers the free models only', () => {
    const blocks = [block({ scope: 'free_pool', kind: 'quota_exhausted' })];
    expect(healthGuard(guardContext(cfg, 'openrouter/clean:free', { blocks }))?.guard).toBe('health');
    expect(healthGuard(guardContext(cfg, 'openrouter/paid/x', { blocks }))).toBeNull();
  });
  it('an expired block no longer applies; of several, the longest decides until_ms', () => {
    expect(healthGuard(guardContext(cfg, 'openrouter/clean:free', { blocks: [block({ until_ms: NOON_MS })] }))).toBeNull();
    const later = NOON_MS + 3_600_000;
    const rejection = healthGuard(guardContext(cfg, 'openrouter/clean:free', { blocks: [block({}), block({ until_ms: later, reason: 'later' })] }));
    expect(rejection?.until_ms).toBe(later);
    expect(rejection?.reason).toContain('later');
  });
  it('leaves cost alarms to the cost_alarm guard', () => {
    expect(healthGuard(guardContext(cfg, 'openrouter/clean:free', { blocks: [block({ kind: 'cost_alarm', until_ms: null })] }))).toBeNull();
  });
});

describe('cost_alarm guard', () => {
  it('blocks every model of the alarmed provider entry until the user unblocks it', () => {
    const blocks: HealthBlock[] = [{ provider: 'zai', model: null, scope: 'provider', kind: 'cost_alarm', reason: 'billed $0.02', until_ms: null }];
    const rejection = costAlarmGuard(guardContext(cfg, 'zai/glm-5', { blocks }));
    expect(rejection).toMatchObject({ guard: 'cost_alarm', until_ms: null, unblock: 'portai providers unblock zai' });
    expect(costAlarmGuard(guardContext(cfg, 'openrouter/clean:free', { blocks }))).toBeNull();
  });
});
