// The anthropic-messages wire against the loopback fake provider.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../src/errors.js';
import type { ChatRequest } from '../src/types.js';
import { adapterFor } from '../src/wire/index.js';
import { TEST_KEY, testEndpoint } from './fake-provider/endpoint.js';
import { startFakeProvider } from './fake-provider/server.js';

const provider = await startFakeProvider();
const wire = adapterFor('anthropic-messages');
afterAll(() => provider.close());
beforeEach(() => provider.reset());

function chat(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'claude-haiku-4-5',
    messages: [
      { role: 'system', content: 'You write calendar events.' },
      { role: 'system', content: 'Answer in JSON.' },
      { role: 'user', content: 'Dentist on Friday at 3pm' },
    ],
    effort: 'low',
    privacy: 'private',
    free_only: false,
    ...overrides,
  };
}

const anthropic = () => testEndpoint(provider.url, { family: 'anthropic', path: '', auth: 'x-api-key' });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('anthropic-messages request', () => {
  it('posts to <base_url>/v1/messages with the version header, system on top and max_tokens required', async () => {
    await wire.send(anthropic(), chat());
    const [sent] = provider.requests;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['x-api-key']).toBe(TEST_KEY);
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 4096,
      system: 'You write calendar events.\n\nAnswer in JSON.',
      messages: [{ role: 'user', content: 'Dentist on Friday at 3pm' }],
    });
  });

  it('sends bearer auth to a Z.AI-style base URL', async () => {
    await wire.send(testEndpoint(provider.url, { family: 'zai', path: '/api/anthropic' }), chat({ max_output_tokens: 500 }));
    expect(provider.requests[0].path).toBe('/api/anthropic/v1/messages');
    expect(provider.requests[0].headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect((provider.requests[0].body as { max_tokens: number }).max_tokens).toBe(500);
  });

  it('switches thinking on with a budget below max_tokens, and never raises max_tokens past what the spend guard priced', async () => {
    await wire.send(anthropic(), chat({ thinking: 'anthropic-thinking', effort: 'high', max_output_tokens: 8000 }));
    await wire.send(anthropic(), chat({ thinking: 'anthropic-thinking', effort: 'high', max_output_tokens: 800 }));
    const [roomy, tight] = provider.requests.map((request) => request.body as { max_tokens: number; thinking?: { type: string; budget_tokens: number } });
    expect(roomy.max_tokens).toBe(8000);
    expect(roomy.thinking?.type).toBe('enabled');
    expect(roomy.thinking?.budget_tokens).toBeGreaterThanOrEqual(1024);
    expect(roomy.thinking?.budget_tokens).toBeLessThan(roomy.max_tokens);
    // 800 tokens leave no room for the 1024-token minimum budget: thinking stays off, max_tokens stays 800
    expect(tight.max_tokens).toBe(800);
    expect(tight.thinking).toBeUndefined();
  });
});

describe('anthropic-messages answers', () => {
  it('reads text blocks only (never thinking), model, stop reason and usage from JSON', async () => {
    provider.enqueue({ text: '{"title":"Dentist"}', thinking: 'The user means next Friday.', usage: { input_tokens: 40, output_tokens: 12 }, served_model: 'claude-haiku-4-5-20251001' });
    const answer = await wire.send(anthropic(), chat());
    expect(answer).toEqual({ text: '{"title":"Dentist"}', model: 'claude-haiku-4-5-20251001', input_tokens: 40, output_tokens: 12, finish_reason: 'end_turn', http_status: 200 });
  });

  it('streams text deltas to onText and leaves thinking deltas out', async () => {
    provider.enqueue({ text: 'Event saved for Friday afternoon.', thinking: 'Friday is the 12th, so', usage: { input_tokens: 33, output_tokens: 7 } });
    const deltas: string[] = [];
    const answer = await wire.send(anthropic(), chat({ stream: true, onText: (delta) => deltas.push(delta) }));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Event saved for Friday afternoon.');
    expect(answer).toMatchObject({ text: 'Event saved for Friday afternoon.', input_tokens: 33, output_tokens: 7, finish_reason: 'end_turn' });
    expect((provider.requests[0].body as { stream: boolean }).stream).toBe(true);
  });

  it('turns an `event: error` mid-stream into an overloaded ProviderError', async () => {
    provider.enqueue({ midStreamError: true });
    const error = await failure(wire.send(anthropic(), chat({ stream: true })));
    expect(error.kind).toBe('overloaded');
    expect(error.code).toBe('overloaded_error');
    expect(error.status).toBe(200);
  });

  it('fails with bad_response when the stream ends before message_stop or the JSON is cut', async () => {
    provider.enqueue({ truncate: true }, { truncate: true });
    const streamed = await failure(wire.send(anthropic(), chat({ stream: true })));
    const cut = await failure(wire.send(anthropic(), chat()));
    expect(streamed.kind).toBe('bad_response');
    expect(streamed.message).toContain('message_stop');
    expect(cut.kind).toBe('bad_response');
  });
});
