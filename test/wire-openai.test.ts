// The openai-chat wire against the loopback fake provider: request shape, family extras, JSON and SSE answers.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../src/errors.js';
import type { ChatRequest } from '../src/types.js';
import { adapterFor, DEFAULT_TIMEOUTS, get } from '../src/wire/index.js';
import { TEST_KEY, testEndpoint } from './fake-provider/endpoint.js';
import { startFakeProvider } from './fake-provider/server.js';

const provider = await startFakeProvider();
const wire = adapterFor('openai-chat');
afterAll(() => provider.close());
beforeEach(() => provider.reset());

function chat(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'vendor/model-a:free',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Summarise the posts of this week please' },
    ],
    effort: 'low',
    privacy: 'public',
    free_only: false,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('openai-chat request', () => {
  it('posts to <base_url>/chat/completions with bearer auth, preset headers and the plain body', async () => {
    const endpoint = testEndpoint(provider.url, { headers: { 'x-title': 'portai' } });
    await wire.send(endpoint, chat({ max_output_tokens: 300 }));
    const [sent] = provider.requests;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/api/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(sent.headers['x-title']).toBe('portai');
    expect(sent.body).toEqual({
      model: 'vendor/model-a:free',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Summarise the posts of this week please' },
      ],
      stream: false,
      max_tokens: 300,
    });
  });

  it('uses x-api-key or no auth header as the endpoint says', async () => {
    await wire.send(testEndpoint(provider.url, { auth: 'x-api-key' }), chat());
    await wire.send(testEndpoint(provider.url, { auth: 'none' }), chat());
    expect(provider.requests[0].headers['x-api-key']).toBe(TEST_KEY);
    expect(provider.requests[0].headers.authorization).toBeUndefined();
    expect(provider.requests[1].headers['x-api-key']).toBeUndefined();
    expect(provider.requests[1].headers.authorization).toBeUndefined();
  });

  it('adds OpenRouter max_price as strings, data_collection deny, reasoning effort, and never models', async () => {
    const endpoint = testEndpoint(provider.url, { family: 'openrouter' });
    await wire.send(endpoint, chat({ free_only: true, privacy: 'private', thinking: 'openrouter-reasoning', effort: 'high' }));
    await wire.send(endpoint, chat({ free_only: false, privacy: 'public' }));
    const [free, paid] = provider.requests.map((request) => request.body as Record<string, unknown>);
    expect(free.provider).toEqual({ max_price: { prompt: '0', completion: '0' }, data_collection: 'deny' });
    expect(free.reasoning).toEqual({ effort: 'high' });
    expect(free).not.toHaveProperty('models');
    expect(paid).not.toHaveProperty('provider');
    expect(paid).not.toHaveProperty('reasoning');
  });

  it('asks for a JSON object when the step wants JSON, and Z.AI thinking when the model has it', async () => {
    await wire.send(testEndpoint(provider.url, { family: 'zai' }), chat({ json: {}, thinking: 'zai-thinking' }));
    await wire.send(testEndpoint(provider.url, { family: 'zai' }), chat());
    const [withBoth, plain] = provider.requests.map((request) => request.body as Record<string, unknown>);
    expect(withBoth.response_format).toEqual({ type: 'json_object' });
    expect(withBoth.thinking).toEqual({ type: 'enabled' });
    expect(plain).not.toHaveProperty('response_format');
    expect(plain).not.toHaveProperty('thinking');
  });
});

describe('openai-chat JSON answer', () => {
  it('reads text, serving model, usage and OpenRouter cost', async () => {
    provider.enqueue({ json: { title: 'Dentist' }, usage: { input_tokens: 31, output_tokens: 9 }, cost: 0.00042, served_model: 'vendor/served-b' });
    const answer = await wire.send(testEndpoint(provider.url), chat({ json: {} }));
    expect(JSON.parse(answer.text)).toEqual({ title: 'Dentist' });
    expect(answer).toMatchObject({ model: 'vendor/served-b', input_tokens: 31, output_tokens: 9, cost_usd: 0.00042, finish_reason: 'stop', http_status: 200 });
  });

  it('echoes the last user message by default', async () => {
    const answer = await wire.send(testEndpoint(provider.url), chat());
    expect(answer.text).toBe('ok: Summarise the posts of this week please');
  });

  it('takes a reply queued for a model only for that model', async () => {
    provider.enqueue({ model: 'vendor/other', text: 'for other' });
    const first = await wire.send(testEndpoint(provider.url), chat());
    const second = await wire.send(testEndpoint(provider.url), chat({ model: 'vendor/other' }));
    expect(first.text).toMatch(/^ok: /);
    expect(second.text).toBe('for other');
  });

  it('treats a 200 with finish_reason "error" as a provider error', async () => {
    provider.enqueue({ midStreamError: true });
    const error = await failure(wire.send(testEndpoint(provider.url, { family: 'openrouter' }), chat()));
    expect(error.kind).toBe('overloaded');
    expect(error.status).toBe(200);
    expect(error.message).toContain('Upstream provider disconnected');
  });

  it('turns a cut-off body and a body without choices into bad_response', async () => {
    provider.enqueue({ truncate: true }, { status: 200, body: { id: 'gen-1', object: 'chat.completion', created: 1, model: 'm', choices: [] } });
    const cut = await failure(wire.send(testEndpoint(provider.url), chat()));
    const empty = await failure(wire.send(testEndpoint(provider.url), chat()));
    expect(cut.kind).toBe('bad_response');
    expect(empty.kind).toBe('bad_response');
    expect(empty.message).toContain('no choices');
  });
});

describe('openai-chat SSE answer', () => {
  it('streams deltas to onText, skips comments, and reads usage and cost from the last chunk', async () => {
    provider.enqueue({ text: 'Three short posts about quotas and routing.', usage: { input_tokens: 20, output_tokens: 8 }, cost: 0.0001 });
    const deltas: string[] = [];
    const answer = await wire.send(testEndpoint(provider.url, { family: 'openrouter' }), chat({ stream: true, onText: (delta) => deltas.push(delta) }));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Three short posts about quotas and routing.');
    expect(answer).toMatchObject({ text: 'Three short posts about quotas and routing.', input_tokens: 20, output_tokens: 8, cost_usd: 0.0001, finish_reason: 'stop' });
    const body = provider.requests[0].body as Record<string, unknown>;
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(provider.requests[0].headers.accept).toBe('text/event-stream');
  });

  it('fails on an error chunk mid-stream, keeping the upstream facts', async () => {
    provider.enqueue({ midStreamError: true });
    const error = await failure(wire.send(testEndpoint(provider.url, { family: 'openrouter' }), chat({ stream: true })));
    expect(error.kind).toBe('overloaded');
    expect(error.detail.provider_name).toBe('FakeUpstream');
  });

  it('fails with bad_response when the stream ends before [DONE]', async () => {
    provider.enqueue({ truncate: true, text: 'one two three four five six' });
    const seen: string[] = [];
    const error = await failure(wire.send(testEndpoint(provider.url), chat({ stream: true, onText: (delta) => seen.push(delta) })));
    expect(error.kind).toBe('bad_response');
    expect(error.message).toContain('[DONE]');
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe('catalog and key endpoints', () => {
  it('GET …/models and …/key answer the data the test set, through the wire get()', async () => {
    provider.setModels([{ id: 'vendor/model-a:free', pricing: { prompt: '0', completion: '0' }, expiration_date: null }]);
    provider.setKey({ label: 'test', is_free_tier: false, limit: 10, limit_remaining: 4.5, usage_daily: 0.2 });
    const models = await get(`${provider.url}/api/v1/models`, { authorization: `Bearer ${TEST_KEY}` }, DEFAULT_TIMEOUTS);
    const key = await get(`${provider.url}/api/v1/key`, {}, DEFAULT_TIMEOUTS);
    expect(models.status).toBe(200);
    expect(models.json).toMatchObject({ data: [{ id: 'vendor/model-a:free', pricing: { prompt: '0', completion: '0' }, expiration_date: null }] });
    expect((key.json as { data: { limit_remaining: number } }).data.limit_remaining).toBe(4.5);
    expect(provider.requests.map((request) => request.path)).toEqual(['/api/v1/models', '/api/v1/key']);
  });
});
