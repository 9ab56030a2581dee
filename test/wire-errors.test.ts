// Every recorded real error, sent by the fake provider over real HTTP, must come out of the wire as
// the right ProviderError; plus reset-time reading, HTML, timeouts, refused connections and key hygiene.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../src/errors.js';
import type { ChatRequest, ErrorKind, ErrorScope, ProviderFamily, WireProtocol } from '../src/types.js';
import { adapterFor, beijingResetTime, mapHttpError, nextUtcMidnight, resetInMs } from '../src/wire/index.js';
import { loadPresets } from '../src/config/index.js';
import { TEST_KEY, testEndpoint } from './fake-provider/endpoint.js';
import { fixtureNames, loadFixture, startFakeProvider } from './fake-provider/server.js';

const provider = await startFakeProvider();
afterAll(() => provider.close());
beforeEach(() => provider.reset());

const chat: ChatRequest = { model: 'vendor/model-a:free', messages: [{ role: 'user', content: 'hello' }], effort: 'low', privacy: 'public', free_only: true };

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

interface Expected {
  family: ProviderFamily;
  wire?: WireProtocol;
  kind: ErrorKind;
  scope: ErrorScope;
  retryable: boolean;
  /** an absolute reset time, or seconds after the answer (Retry-After), a duration named in the message, or none */
  reset?: { at_ms: number } | { after_s: number } | { in_ms: number };
  detail?: Record<string, string>;
  /** also read with this shipped preset's own `errors:` rules (tried first), which must agree */
  preset?: string;
}

const presets = loadPresets();
const HOUR = 3_600_000;
const metadataReset = (name: string) => ({ at_ms: Number((loadFixture(name).body as any).error.metadata.headers['X-RateLimit-Reset']) });

const EXPECTED: Record<string, Expected> = {
  'openrouter-429-free-per-day': { family: 'openrouter', kind: 'quota_exhausted', scope: 'free_pool', retryable: false, reset: metadataReset('openrouter-429-free-per-day'), preset: 'openrouter' },
  'openrouter-429-free-per-day-high-balance': { family: 'openrouter', kind: 'quota_exhausted', scope: 'free_pool', retryable: false, reset: metadataReset('openrouter-429-free-per-day-high-balance'), preset: 'openrouter' },
  'openrouter-429-free-per-min': { family: 'openrouter', kind: 'rate_limited', scope: 'provider', retryable: true, reset: { at_ms: Number(loadFixture('openrouter-429-free-per-min').headers!['x-ratelimit-reset']) }, preset: 'openrouter' },
  'openrouter-429-upstream': { family: 'openrouter', kind: 'rate_limited', scope: 'model', retryable: true, reset: { after_s: 17 }, detail: { provider_name: 'Venice' }, preset: 'openrouter' },
  'openrouter-429-rate-limit-exceeded': { family: 'openrouter', kind: 'rate_limited', scope: 'provider', retryable: true, reset: { at_ms: 1789560120000 }, detail: { error_type: 'rate_limit_exceeded' }, preset: 'openrouter' },
  'openrouter-400-context-error-type': { family: 'openrouter', kind: 'context_overflow', scope: 'none', retryable: false, preset: 'openrouter' },
  'openrouter-403-moderation': { family: 'openrouter', kind: 'bad_request', scope: 'model', retryable: false, detail: { error_type: 'content_policy_violation', provider_name: 'OpenAI' }, preset: 'openrouter' },
  'openrouter-402-credits': { family: 'openrouter', kind: 'payment_required', scope: 'provider', retryable: false, detail: { limit_source: 'openrouter_credits' }, preset: 'openrouter' },
  'openrouter-402-key-limit': { family: 'openrouter', kind: 'payment_required', scope: 'provider', retryable: false, detail: { limit_source: 'openrouter_key_limit' }, preset: 'openrouter' },
  'openrouter-402-in-flight': { family: 'openrouter', kind: 'payment_required', scope: 'none', retryable: true, reset: { after_s: 3 }, detail: { limit_source: 'openrouter_in_flight_budget' }, preset: 'openrouter' },
  'openrouter-404-no-endpoints': { family: 'openrouter', kind: 'model_gone', scope: 'model', retryable: false, preset: 'openrouter' },
  'openrouter-404-data-policy': { family: 'openrouter', kind: 'bad_request', scope: 'model', retryable: false, preset: 'openrouter' },
  'openrouter-200-finish-error': { family: 'openrouter', kind: 'overloaded', scope: 'model', retryable: true, detail: { provider_name: 'Chutes' }, preset: 'openrouter' },
  'zai-429-1113': { family: 'zai', kind: 'payment_required', scope: 'provider', retryable: false, preset: 'zai-coding' },
  'zai-429-1302': { family: 'zai', kind: 'rate_limited', scope: 'provider', retryable: true, preset: 'zai-coding' },
  'zai-429-1303': { family: 'zai', kind: 'rate_limited', scope: 'provider', retryable: true, preset: 'zai-coding' },
  'zai-429-1308': { family: 'zai', kind: 'quota_exhausted', scope: 'provider', retryable: false, reset: { at_ms: Date.UTC(2026, 8, 8, 21, 38, 28) }, preset: 'zai-coding' },
  'zai-429-1309': { family: 'zai', kind: 'payment_required', scope: 'provider', retryable: false, preset: 'zai-coding' },
  'zai-429-1310': { family: 'zai', kind: 'quota_exhausted', scope: 'provider', retryable: false, reset: { at_ms: Date.UTC(2026, 6, 13, 23, 49, 8) }, preset: 'zai-coding' },
  'zai-429-1311': { family: 'zai', kind: 'model_gone', scope: 'model', retryable: false, preset: 'zai-coding' },
  'zai-429-1312': { family: 'zai', kind: 'overloaded', scope: 'model', retryable: true, preset: 'zai-coding' },
  'zai-429-1304': { family: 'zai', kind: 'quota_exhausted', scope: 'provider', retryable: false, preset: 'zai-coding' },
  'zai-429-1305': { family: 'zai', kind: 'rate_limited', scope: 'provider', retryable: true, reset: { after_s: 7 }, preset: 'zai-coding' },
  'zai-429-1313': { family: 'zai', kind: 'quota_exhausted', scope: 'provider', retryable: false, preset: 'zai-coding' },
  'zai-anthropic-429-1113': { family: 'zai', wire: 'anthropic-messages', kind: 'payment_required', scope: 'provider', retryable: false, preset: 'zai-coding-anthropic' },
  'anthropic-529-overloaded': { family: 'anthropic', wire: 'anthropic-messages', kind: 'overloaded', scope: 'model', retryable: true },
  'anthropic-429-rate-limit': { family: 'anthropic', wire: 'anthropic-messages', kind: 'rate_limited', scope: 'provider', retryable: true, reset: { after_s: 23 } },
  'anthropic-401': { family: 'anthropic', wire: 'anthropic-messages', kind: 'auth', scope: 'provider', retryable: false },
  'openai-401-invalid-api-key': { family: 'openai', kind: 'auth', scope: 'provider', retryable: false },
  'openai-400-context-length': { family: 'openai', kind: 'context_overflow', scope: 'none', retryable: false },
  'opencode-429-free-usage': { family: 'opencode', kind: 'quota_exhausted', scope: 'free_pool', retryable: false },
  'opencode-go-429-weekly': { family: 'opencode', kind: 'quota_exhausted', scope: 'provider', retryable: false, reset: { in_ms: (5 * 24 + 10) * HOUR }, preset: 'opencode-go' },
  'opencode-go-429-monthly': { family: 'opencode', kind: 'quota_exhausted', scope: 'provider', retryable: false, reset: { in_ms: (10 * 24 + 19) * HOUR }, preset: 'opencode-go' },
  'opencode-go-429-upstream': { family: 'opencode', kind: 'rate_limited', scope: 'model', retryable: true, preset: 'opencode-go' },
};

describe('recorded real errors', () => {
  it('has an expectation for every fixture file', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(fixtureNames());
  });

  const cases = Object.entries(EXPECTED).flatMap(([name, expected]) => [
    [name, 'family rules', expected] as const,
    ...(expected.preset ? [[name, `preset ${expected.preset}`, expected] as const] : []),
  ]);
  it.each(cases)('%s (%s)', async (name, rules, expected) => {
    provider.enqueue({ fixture: name });
    const errors = rules === 'family rules' ? [] : (presets.get(expected.preset!)?.errors ?? []);
    expect(rules === 'family rules' || errors.length > 0).toBe(true);
    const endpoint = testEndpoint(provider.url, { family: expected.family, errors });
    const before = Date.now();
    const error = await failure(adapterFor(expected.wire ?? 'openai-chat').send(endpoint, chat));
    const after = Date.now();
    expect({ kind: error.kind, scope: error.scope, retryable: error.retryable }).toEqual({ kind: expected.kind, scope: expected.scope, retryable: expected.retryable });
    expect(error.status).toBe(loadFixture(name).status);
    expect(error.provider).toBe(expected.family);
    expect(error.message.length).toBeGreaterThan(0);
    if (expected.detail) expect(error.detail).toMatchObject(expected.detail);
    if (!expected.reset) expect(error.reset_at_ms).toBeUndefined();
    else if ('at_ms' in expected.reset) expect(error.reset_at_ms).toBe(expected.reset.at_ms);
    else if ('in_ms' in expected.reset) {
      expect(error.reset_at_ms).toBeGreaterThanOrEqual(before + expected.reset.in_ms);
      expect(error.reset_at_ms).toBeLessThanOrEqual(after + expected.reset.in_ms);
    } else {
      expect(error.retry_after_s).toBe(expected.reset.after_s);
      expect(error.reset_at_ms).toBeGreaterThanOrEqual(before + expected.reset.after_s * 1000);
      expect(error.reset_at_ms).toBeLessThanOrEqual(after + expected.reset.after_s * 1000);
    }
  });

  it('carries the fix hint that tells 1113 apart from a rate limit', async () => {
    provider.enqueue({ fixture: 'zai-429-1113' });
    const error = await failure(adapterFor('openai-chat').send(testEndpoint(provider.url, { family: 'zai' }), chat));
    expect(error.hint).toMatch(/not a rate limit/);
    expect(error.code).toBe('1113');
  });
});

describe('reset times and Retry-After', () => {
  const endpoint = testEndpoint('http://127.0.0.1:9');
  const now = Date.UTC(2026, 8, 9, 10, 0, 0);
  const rateLimited = JSON.stringify({ error: { code: 429, message: 'Too many requests' } });

  it('reads "reset at" as Beijing time, UTC+8, across a date boundary', () => {
    expect(beijingResetTime('Usage limit reached for 5 hour. Your limit will reset at 2026-09-09 05:38:28')).toBe(Date.UTC(2026, 8, 8, 21, 38, 28));
    expect(beijingResetTime('Your limit will reset at 2026-01-01 07:59:59')).toBe(Date.UTC(2025, 11, 31, 23, 59, 59));
    expect(beijingResetTime('no time here')).toBeUndefined();
  });

  it('reads OpenCode Go\'s "It will reset in …" as a duration from now', () => {
    expect(resetInMs('5 hour usage limit reached. It will reset in 3 hours 12 minutes.')).toBe(3 * 3_600_000 + 12 * 60_000);
    expect(resetInMs('weekly usage limit reached. It will reset in 5 days 10 hours. To continue …')).toBe((5 * 24 + 10) * 3_600_000);
    expect(resetInMs('It will reset in 1 day')).toBe(86_400_000);
    expect(resetInMs('It will reset in 45 min')).toBe(45 * 60_000);
    expect(resetInMs('It will reset soon')).toBeUndefined();
    expect(resetInMs('reset at 2026-09-09 05:38:28')).toBeUndefined();
  });

  it("reads OpenRouter's error_type only as its own key: an unknown or prototype name falls to the status", () => {
    const typed = (error_type: string, status = 400) => mapHttpError(testEndpoint('http://127.0.0.1:9', { family: 'openrouter' }), status, {}, JSON.stringify({ error: { code: status, message: 'x', metadata: { error_type } } }), now);
    expect(typed('timeout', 524).kind).toBe('timeout');
    expect(typed('unmapped', 502).kind).toBe('overloaded');
    for (const name of ['constructor', '__proto__', 'toString']) expect(typed(name).kind).toBe('bad_request');
    expect(mapHttpError(endpoint, 400, {}, JSON.stringify({ error: { code: 'constructor', type: 'hasOwnProperty', message: 'x' } }), now).kind).toBe('bad_request');
    // a 402 keeps its limit_source reading whatever the type says
    expect(typed('rate_limit_exceeded', 402).kind).toBe('payment_required');
  });

  it('prefers retry-after-ms, then retry-after in seconds, then an HTTP date', () => {
    const both = mapHttpError(endpoint, 429, { 'retry-after-ms': '1500', 'retry-after': '10' }, rateLimited, now);
    const seconds = mapHttpError(endpoint, 429, { 'retry-after': '7' }, rateLimited, now);
    const date = mapHttpError(endpoint, 429, { 'retry-after': new Date(now + 90_000).toUTCString() }, rateLimited, now);
    expect([both.retry_after_s, both.reset_at_ms]).toEqual([1.5, now + 1500]);
    expect([seconds.retry_after_s, seconds.reset_at_ms]).toEqual([7, now + 7000]);
    expect([date.retry_after_s, date.reset_at_ms]).toEqual([90, now + 90_000]);
  });

  it('applies a preset rule before the family rules, with next-utc-midnight', () => {
    const custom = testEndpoint('http://127.0.0.1:9', {
      family: 'openrouter',
      errors: [{ status: 429, message: 'free-models-per-day', kind: 'rate_limited', scope: 'provider', retryable: false, reset: 'next-utc-midnight', hint: 'custom' }],
    });
    const body = JSON.stringify(loadFixture('openrouter-429-free-per-day').body);
    const error = mapHttpError(custom, 429, {}, body, now);
    expect([error.kind, error.scope, error.hint, error.reset_at_ms]).toEqual(['rate_limited', 'provider', 'custom', Date.UTC(2026, 8, 10)]);
    expect(nextUtcMidnight(Date.UTC(2026, 11, 31, 23, 59))).toBe(Date.UTC(2027, 0, 1));
  });
});

describe('status defaults', () => {
  const endpoint = testEndpoint('http://127.0.0.1:9', { family: 'generic' });
  const at = Date.UTC(2026, 0, 1);
  const body = (message: string) => JSON.stringify({ error: { message } });

  it('maps a 404 naming the model to model_gone, any other 404 to bad_request', () => {
    expect(mapHttpError(endpoint, 404, {}, body('The model `gpt-9` does not exist'), at, 'gpt-9').kind).toBe('model_gone');
    expect(mapHttpError(endpoint, 404, {}, body('Not found'), at, 'gpt-9').kind).toBe('bad_request');
  });

  it('maps context wording and 413 to context_overflow, other 400s to bad_request', () => {
    const anthropicTooLong = JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } });
    expect(mapHttpError(endpoint, 400, {}, anthropicTooLong, at).kind).toBe('context_overflow');
    expect(mapHttpError(endpoint, 413, {}, body('Request payload too large'), at).kind).toBe('context_overflow');
    expect(mapHttpError(endpoint, 400, {}, body('temperature must be a number'), at).kind).toBe('bad_request');
  });

  it('keeps the status meaning of a plain-text error body', () => {
    const error = mapHttpError(endpoint, 429, { 'retry-after': '2' }, 'Too Many Requests', at);
    expect([error.kind, error.message, error.retry_after_s]).toEqual(['rate_limited', 'Too Many Requests', 2]);
  });

  it.each([500, 502, 503, 504, 529])('maps %i to a retryable overloaded', (status) => {
    const error = mapHttpError(endpoint, status, {}, body('upstream trouble'), at);
    expect([error.kind, error.retryable]).toEqual(['overloaded', true]);
  });
});

describe('broken answers and transport failures', () => {
  it('turns a proxy HTML page into bad_response with a short tag-free excerpt', async () => {
    provider.enqueue({ html: true });
    const error = await failure(adapterFor('openai-chat').send(testEndpoint(provider.url), chat));
    expect(error.kind).toBe('bad_response');
    expect(error.status).toBe(502);
    expect(error.message).toContain('502 Bad Gateway');
    expect(error.message).not.toMatch(/<[a-z]/i);
    expect(error.message.length).toBeLessThanOrEqual(160 + 80);
  });

  it('turns a hanging server into a timeout after first_byte_ms', async () => {
    provider.enqueue({ hang: true });
    const endpoint = testEndpoint(provider.url, { timeouts: { first_byte_ms: 150 } });
    const error = await failure(adapterFor('openai-chat').send(endpoint, chat));
    expect(error.kind).toBe('timeout');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(provider.url);
  });

  it('turns a refused connection into network "cannot reach <origin>"', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(adapterFor('anthropic-messages').send(testEndpoint(`http://127.0.0.1:${port}`), chat));
    expect(error.kind).toBe('network');
    expect(error.message).toContain(`cannot reach http://127.0.0.1:${port}`);
  });
});

describe('the API key never reaches an error', () => {
  it('redacts a key the provider echoes back, in message, hint and detail', async () => {
    const echoed = { error: { code: 401, message: `Invalid key ${TEST_KEY} for this account`, metadata: { raw: `key=${TEST_KEY}`, provider_name: 'Echo' } } };
    provider.enqueue({ status: 401, body: echoed });
    const error = await failure(adapterFor('openai-chat').send(testEndpoint(provider.url, { family: 'openrouter' }), chat));
    expect(error.kind).toBe('auth');
    const everything = JSON.stringify({ message: error.message, hint: error.hint, detail: error.detail, code: error.code });
    expect(everything).not.toContain(TEST_KEY);
    expect(error.message).toContain('Invalid key');
  });

  it('keeps it out of every recorded fixture error and of transport errors', async () => {
    const texts: string[] = [];
    for (const name of fixtureNames()) {
      provider.enqueue({ fixture: name });
      const error = await failure(adapterFor('openai-chat').send(testEndpoint(provider.url, { family: 'openrouter' }), chat));
      texts.push(error.message, error.hint ?? '', JSON.stringify(error.detail));
    }
    provider.enqueue({ hang: true });
    const timeout = await failure(adapterFor('openai-chat').send(testEndpoint(provider.url, { timeouts: { first_byte_ms: 100 } }), chat));
    texts.push(timeout.message, timeout.hint ?? '');
    expect(texts.length).toBeGreaterThan(fixtureNames().length);
    for (const text of texts) expect(text).not.toContain(TEST_KEY);
  });
});
