// `portai serve` with the official OpenAI SDK as the client, in front of the fake provider.
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEYS, SSE_HEADERS, serveConfig, sse, startHarness, type Harness } from './serve-helpers.js';

let harness: Harness;
let client: OpenAI;

async function begin(options: Parameters<typeof startHarness>[0] = {}): Promise<void> {
  harness = await startHarness(options);
  client = new OpenAI({ baseURL: `${harness.server.url}/v1`, apiKey: harness.server.token, maxRetries: 0 });
}
afterEach(async () => {
  await harness.close();
});

const ask = (content: string) => [{ role: 'user' as const, content }];

describe('OpenAI client on an OpenAI-chat route (pass-through)', () => {
  beforeEach(() => begin());

  it('non-streaming: the answer passes through; model replaced, guard extras added, alias max_tokens cap applied', async () => {
    const completion = await client.chat.completions.create({ model: 'free', messages: ask('hello from hermes') });
    expect(completion.choices[0].message.content).toBe('ok: hello from hermes');
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    const sent = harness.fake.requests[0];
    expect(sent.body).toMatchObject({ model: 'free/alpha:free', max_tokens: 321, provider: { max_price: { prompt: '0', completion: '0' }, data_collection: 'deny' } });
    expect(sent.headers.authorization).toBe(`Bearer ${KEYS.OPENROUTER_API_KEY}`);
    expect(harness.attempts()).toEqual([{ provider: 'openrouter', model: 'free/alpha:free', client: 'OpenAI/JS', status: 'ok', billing: 'free' }]);
  });

  it("keeps the client's max_tokens, and a client cannot lift max_price or send its own models list", async () => {
    await client.chat.completions.create({ model: 'free', messages: ask('x'), max_tokens: 55 });
    expect((harness.fake.requests[0].body as Record<string, unknown>).max_tokens).toBe(55);
    // OpenRouter extras a client might send to bypass the guards: refused before anything is sent (serve-screen.test.ts)
    for (const extra of [{ provider: { max_price: { prompt: '100', completion: '100' }, sort: 'price' } }, { models: ['anthropic/claude-opus-4'] }]) {
      await expect(client.chat.completions.create({ model: 'free', messages: ask('x'), ...(extra as object) })).rejects.toMatchObject({ status: 400 });
    }
    expect(harness.fake.requests).toHaveLength(1);
  });

  it('streaming: chunks pass through, usage in the final chunk, [DONE] ends it', async () => {
    const stream = await client.chat.completions.create({ model: 'free', messages: ask('stream me please'), stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('ok: stream me please');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(harness.fake.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('streaming tool calls: fragments pass through in order and assemble to the exact arguments', async () => {
    const argumentsText = JSON.stringify({ query: 'free models', limit: 5, filters: { trains: false } });
    const frame = { id: 'gen-3', object: 'chat.completion.chunk', created: 1, model: 'free/alpha:free' };
    const chunks = [
      { ...frame, choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [{ index: 0, id: 'call_s', type: 'function', function: { name: 'search', arguments: '' } }] }, finish_reason: null }] },
      ...argumentsText.match(/[\s\S]{1,5}/g)!.map((fragment) => ({ ...frame, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: fragment } }] }, finish_reason: null }] })),
      { ...frame, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      { ...frame, choices: [], usage: { prompt_tokens: 9, completion_tokens: 8, cost: 0 } },
    ];
    harness.fake.enqueue({ status: 200, headers: SSE_HEADERS, body: sse(chunks) });
    const stream = await client.chat.completions.create({ model: 'free', messages: ask('search'), stream: true, tools: [{ type: 'function', function: { name: 'search', parameters: { type: 'object' } } }] });
    let assembled = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      assembled += chunk.choices[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(JSON.parse(assembled)).toEqual(JSON.parse(argumentsText));
    expect(finish).toBe('tool_calls');
  });

  it('an upstream failure before any content falls back to the next model, invisibly to the client', async () => {
    harness.fake.reply((request) => (request.model === 'free/alpha:free' ? { midStreamError: true } : undefined));
    const completion = await client.chat.completions.create({ model: 'free', messages: ask('retry me') });
    expect(completion.choices[0].message.content).toBe('ok: retry me');
    expect(harness.attempts().map((attempt) => `${attempt.model}:${attempt.status}`)).toContain('free/beta:free:ok');
  });

  it('errors come back in OpenAI format: unknown model → 404 naming the aliases', async () => {
    const failure = await client.chat.completions.create({ model: 'gpt-5', messages: ask('x') }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    const error = (failure as InstanceType<typeof OpenAI.NotFoundError>).error as { message: string; type: string };
    expect(error.type).toBe('not_found_error');
    expect(error.message).toContain('free, think');
  });
});

describe('OpenAI client on an Anthropic route (translated)', () => {
  beforeEach(() => begin());

  it('non-streaming: thinking becomes reasoning_content, text the content; the upstream got an Anthropic request', async () => {
    harness.fake.enqueue({ thinking: 'pondering', text: 'The answer.' });
    const completion = await client.chat.completions.create({ model: 'think', messages: [{ role: 'system', content: 'be exact' }, ...ask('question')] });
    const message = completion.choices[0].message as { content: string | null; reasoning_content?: string };
    expect(message.content).toBe('The answer.');
    expect(message.reasoning_content).toBe('pondering');
    expect(completion.choices[0].finish_reason).toBe('stop');
    const sent = harness.fake.requests[0];
    expect(sent.path).toBe('/api/anthropic/v1/messages');
    expect(sent.body).toMatchObject({ model: 'glm-4.7', system: 'be exact', messages: [{ role: 'user', content: [{ type: 'text', text: 'question' }] }] });
    expect(typeof (sent.body as { max_tokens: unknown }).max_tokens).toBe('number');
  });

  it('streaming: Anthropic events become chunks with usage at the end when asked', async () => {
    harness.fake.enqueue({ text: 'Streamed through translation.' });
    const stream = await client.chat.completions.create({ model: 'think', messages: ask('go'), stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Streamed through translation.');
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
  });
});

describe('guards seen by a client', () => {
  it('a non-zero cost on a free route is an alarm: the answer is delivered, then the provider is blocked', async () => {
    await begin();
    harness.fake.enqueue({ text: 'billed answer', cost: 0.42 });
    const completion = await client.chat.completions.create({ model: 'free', messages: ask('x') });
    expect(completion.choices[0].message.content).toBe('billed answer');
    expect(harness.logs.join('\n')).toContain('portai providers unblock openrouter');
    const failure = await client.chat.completions.create({ model: 'free', messages: ask('again') }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(String((failure as Error).message)).toContain('cost_alarm');
    expect(harness.fake.requests).toHaveLength(1);
  });

  it('a request limit reached → 429 with retry-after, and nothing sent', async () => {
    await begin({ config: (url) => serveConfig(url, {}, { requests_per_minute: 1 }) });
    await client.chat.completions.create({ model: 'free', messages: ask('first') });
    const failure = await client.chat.completions.create({ model: 'free', messages: ask('second') }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.RateLimitError);
    const headers = (failure as InstanceType<typeof OpenAI.RateLimitError>).headers;
    expect(Number(headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(harness.fake.requests).toHaveLength(1);
  });

  it('free models in a rate window and a metered fallback at a $0 budget → 429 with retry-after, not 403', async () => {
    // Claude Code shows a 403 as "Failed to authenticate" and stops; it waits and retries a 429
    await begin({ config: (url) => serveConfig(url, {}, { requests_per_minute: 1 }) });
    await client.chat.completions.create({ model: 'claude-haiku-4', messages: ask('first') });
    const failure = await client.chat.completions.create({ model: 'claude-haiku-4', messages: ask('second') }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.RateLimitError);
    const seconds = Number((failure as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'));
    expect(seconds).toBeGreaterThan(0);
    // a minute, plus the rolling window's 1 s safety margin (limits.margin_seconds)
    expect(seconds).toBeLessThanOrEqual(61);
    expect(String((failure as Error).message)).toContain('paid/expensive-model — spend');
    expect(harness.fake.requests).toHaveLength(1);
  });

  it('a private alias with only training models → 403 permission_error with the reason', async () => {
    await begin({
      config: (url) => {
        const config = serveConfig(url);
        config.providers.paid.models[0].trains_on_data = true;
        config.routes = [{ use: ['paid/expensive-model'] }];
        return config;
      },
    });
    const failure = await client.chat.completions.create({ model: 'free', messages: ask('private stuff') }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(String((failure as Error).message)).toContain('paid/expensive-model — privacy');
    expect(harness.fake.requests).toHaveLength(0);
  });
});
