// `portai serve` with the official Anthropic SDK as the client, in front of the fake provider.
import http from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEYS, SSE_HEADERS, sse, startHarness, type Harness } from './serve-helpers.js';

let harness: Harness;
let client: Anthropic;

beforeEach(async () => {
  harness = await startHarness();
  client = new Anthropic({ baseURL: harness.server.url, apiKey: harness.server.token, maxRetries: 0 });
});
afterEach(async () => {
  await harness.close();
});

/** Anthropic's stream grammar, strictly: the translation bugs of other proxies all break it. */
function orderProblems(events: Array<{ type: string; [key: string]: unknown }>): string[] {
  const problems: string[] = [];
  const open = new Map<number, string>();
  let starts = 0;
  let stopped = false;
  for (const event of events) {
    if (event.type === 'message_start') {
      starts++;
      const usage = (event.message as { usage: { input_tokens: number } }).usage;
      if (!(usage.input_tokens > 0)) problems.push('zeroed usage in message_start');
    } else if (event.type === 'content_block_start') {
      if (open.size) problems.push('block started while another is open');
      open.set(event.index as number, (event.content_block as { type: string }).type);
    } else if (event.type === 'content_block_delta') {
      const type = open.get(event.index as number);
      const delta = (event.delta as { type: string }).type;
      if (!type) problems.push(`delta for unstarted block ${event.index}`);
      else if (type === 'text' && delta !== 'text_delta') problems.push(`${delta} inside a text block`);
      else if (type === 'thinking' && !['thinking_delta', 'signature_delta'].includes(delta)) problems.push(`${delta} inside a thinking block`);
      else if (type === 'tool_use' && delta !== 'input_json_delta') problems.push(`${delta} inside a tool_use block`);
    } else if (event.type === 'content_block_stop') {
      if (!open.delete(event.index as number)) problems.push(`stop for unopened block ${event.index}`);
    } else if (event.type === 'message_stop') stopped = true;
  }
  if (starts !== 1) problems.push(`message_start ${starts} times`);
  if (!stopped) problems.push('no message_stop');
  return problems;
}

function rawRequest(path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: http.IncomingHttpHeaders }> {
  const url = new URL(path, harness.server.url);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const hello = { max_tokens: 200, messages: [{ role: 'user' as const, content: 'hello there portai' }] };

describe('Anthropic client on a free OpenAI-chat route (translated)', () => {
  it('non-streaming: text comes back as an Anthropic message; the upstream got the free model with the guard extras', async () => {
    const message = await client.messages.create({ model: 'claude-haiku-4-5', ...hello });
    expect(message.content).toEqual([{ type: 'text', text: 'ok: hello there portai' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    const sent = harness.fake.requests[0];
    expect(sent.path).toBe('/api/v1/chat/completions');
    expect(sent.body).toMatchObject({ model: 'free/alpha:free', max_tokens: 200, provider: { max_price: { prompt: '0', completion: '0' }, data_collection: 'deny' } });
    expect(harness.attempts()).toEqual([{ provider: 'openrouter', model: 'free/alpha:free', client: 'Anthropic/JS', status: 'ok', billing: 'free' }]);
  });

  it('streaming: the exact event order, estimated input usage in message_start, the text assembled', async () => {
    const stream = client.messages.stream({ model: 'claude-haiku-4-5', ...hello });
    const events: Array<{ type: string; [key: string]: unknown }> = [];
    for await (const event of stream) events.push(event as never);
    const message = await stream.finalMessage();
    expect(orderProblems(events)).toEqual([]);
    expect(message.content).toEqual([{ type: 'text', text: 'ok: hello there portai' }]);
    expect(harness.fake.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('streaming tool calls and reasoning: full input (never {} or truncated), thinking in its own block', async () => {
    const input = { path: 'notes/today.md', content: 'line one\n'.repeat(300), tags: ['a', 'b'] };
    const argumentsText = JSON.stringify(input);
    const fragments = argumentsText.match(/[\s\S]{1,11}/g)!;
    const frame = { id: 'gen-1', object: 'chat.completion.chunk', created: 1, model: 'free/alpha:free' };
    const chunks = [
      { ...frame, choices: [{ index: 0, delta: { role: 'assistant', reasoning: 'I should write ' }, finish_reason: null }] },
      { ...frame, choices: [{ index: 0, delta: { reasoning: 'the file.' }, finish_reason: null }] },
      { ...frame, choices: [{ index: 0, delta: { content: 'Writing it now.' }, finish_reason: null }] },
      { ...frame, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_w1', type: 'function', function: { name: 'write_file', arguments: '' } }] }, finish_reason: null }] },
      ...fragments.map((fragment) => ({ ...frame, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: fragment } }] }, finish_reason: null }] })),
      { ...frame, choices: [{ index: 0, delta: { tool_calls: [{ index: 1, id: 'call_l2', type: 'function', function: { name: 'list_files', arguments: '' } }] }, finish_reason: null }] },
      { ...frame, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      { ...frame, choices: [], usage: { prompt_tokens: 120, completion_tokens: 90, cost: 0 } },
    ];
    harness.fake.enqueue({ status: 200, headers: SSE_HEADERS, body: sse(chunks) });
    const stream = client.messages.stream({
      model: 'claude-haiku-4-5',
      ...hello,
      tools: [
        { name: 'write_file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } },
        { name: 'list_files', input_schema: { type: 'object', properties: {} } },
      ],
    });
    const events: Array<{ type: string; [key: string]: unknown }> = [];
    for await (const event of stream) events.push(event as never);
    const message = await stream.finalMessage();
    expect(orderProblems(events)).toEqual([]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 120, output_tokens: 90 });
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'I should write the file.', signature: '' },
      { type: 'text', text: 'Writing it now.' },
      { type: 'tool_use', id: 'call_w1', name: 'write_file', input },
      { type: 'tool_use', id: 'call_l2', name: 'list_files', input: {} },
    ]);
    const sentTools = (harness.fake.requests[0].body as { tools: Array<{ function: { name: string; parameters: unknown } }> }).tools;
    expect(sentTools[0].function).toEqual({ name: 'write_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } });
  });

  it('non-streaming tool call: arguments parsed into input; the tool result goes back as role tool', async () => {
    harness.fake.enqueue({
      status: 200,
      body: {
        id: 'gen-2',
        object: 'chat.completion',
        created: 1,
        model: 'free/alpha:free',
        choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris","days":3}' } }] } }],
        usage: { prompt_tokens: 10, completion_tokens: 5, cost: 0 },
      },
    });
    const message = await client.messages.create({ model: 'claude-haiku-4-5', ...hello, tools: [{ name: 'lookup', input_schema: { type: 'object' } }] });
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_9', name: 'lookup', input: { city: 'Paris', days: 3 } }]);

    await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 50,
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: message.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_9', content: 'sunny' }] },
      ],
    });
    expect((harness.fake.requests[1].body as { messages: unknown[] }).messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris","days":3}' } }] },
      { role: 'tool', tool_call_id: 'call_9', content: 'sunny' },
    ]);
  });

  it('falls back to the next free model when the first is rate-limited upstream, recording both attempts', async () => {
    harness.fake.reply((request) => (request.model === 'free/alpha:free' ? { fixture: 'openrouter-429-upstream' } : undefined));
    const message = await client.messages.create({ model: 'claude-haiku-4-5', ...hello });
    expect(message.content).toEqual([{ type: 'text', text: 'ok: hello there portai' }]);
    const attempts = harness.attempts();
    expect(attempts[0]).toMatchObject({ model: 'free/alpha:free', status: 'error' });
    expect(attempts[attempts.length - 1]).toMatchObject({ model: 'free/beta:free', status: 'ok' });
  });

  it('a claude-haiku request on the free route never reaches the metered model, even when every free model fails', async () => {
    harness.fake.reply(() => ({ fixture: 'openrouter-429-free-per-day' }));
    const failure = await client.messages.create({ model: 'claude-haiku-4-5-20251001', ...hello }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect(harness.fake.requests.every((request) => !request.path.startsWith('/paid'))).toBe(true);
    expect(harness.attempts().every((attempt) => attempt.billing === 'free')).toBe(true);
    expect(harness.fake.requests.length).toBeGreaterThan(0);
  });
});

describe('Anthropic client on an Anthropic route (pass-through)', () => {
  it('thinking asks for high effort: streamed through untouched with thinking + signature, headers honoured', async () => {
    harness.fake.enqueue({ thinking: 'Let me reason about it.', text: 'Deep answer.' });
    const stream = client.messages.stream(
      { model: 'claude-sonnet-5-5', max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 }, messages: [{ role: 'user', content: 'think hard' }] },
      { headers: { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'interleaved-thinking-2025-05-14' } },
    );
    const events: Array<{ type: string; [key: string]: unknown }> = [];
    for await (const event of stream) events.push(event as never);
    const message = await stream.finalMessage();
    expect(orderProblems(events)).toEqual([]);
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Let me reason about it.', signature: 'fake-signature' },
      { type: 'text', text: 'Deep answer.' },
    ]);
    const sent = harness.fake.requests[0];
    expect(sent.path).toBe('/api/anthropic/v1/messages');
    expect(sent.body).toMatchObject({ model: 'glm-4.7', thinking: { type: 'enabled', budget_tokens: 2000 }, stream: true });
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    expect(sent.headers['x-api-key']).toBe(KEYS.ZAI_API_KEY);
  });

  it('a mid-stream upstream error after content reaches the client as an error event, not a silent cut', async () => {
    harness.fake.enqueue({ midStreamError: true });
    const stream = client.messages.stream({ model: 'think', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/overloaded|Overloaded/);
  });
});

describe('security and errors', () => {
  it('refuses a missing or wrong token, a foreign Host, a foreign Origin; sends no CORS headers', async () => {
    const missing = await rawRequest('/v1/messages', {}, { model: 'free', ...hello });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.stringContaining('token') } });
    const wrong = new Anthropic({ baseURL: harness.server.url, apiKey: `${harness.server.token}x`, maxRetries: 0 });
    await expect(wrong.messages.create({ model: 'free', ...hello })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const port = new URL(harness.server.url).port;
    const rebound = await rawRequest('/v1/messages', { host: `attacker.example:${port}`, 'x-api-key': harness.server.token }, { model: 'free', ...hello });
    expect(rebound.status).toBe(403);
    const fromPage = await rawRequest('/v1/messages', { origin: 'https://attacker.example', 'x-api-key': harness.server.token }, { model: 'free', ...hello });
    expect(fromPage.status).toBe(403);
    expect(fromPage.headers['access-control-allow-origin']).toBeUndefined();
    expect(harness.fake.requests).toHaveLength(0);
  });

  it("never forwards the client's credentials: upstream sees only portai's own key", async () => {
    const clientSecret = 'sk-ant-client-secret-999';
    // the token as Bearer, and a real-looking Anthropic key alongside it that must go nowhere
    const withExtra = new Anthropic({ baseURL: harness.server.url, authToken: harness.server.token, defaultHeaders: { 'x-api-key': clientSecret }, maxRetries: 0 });
    await withExtra.messages.create({ model: 'free', ...hello });
    await withExtra.messages.create({ model: 'think', ...hello });
    expect(harness.fake.requests).toHaveLength(2);
    for (const request of harness.fake.requests) {
      const everything = JSON.stringify(request.headers) + JSON.stringify(request.body);
      expect(everything).not.toContain(clientSecret);
      expect(everything).not.toContain(harness.server.token);
    }
    expect(harness.fake.requests[0].headers.authorization).toBe(`Bearer ${KEYS.OPENROUTER_API_KEY}`);
    expect(harness.fake.requests[1].headers['x-api-key']).toBe(KEYS.ZAI_API_KEY);
  });

  it('an unknown model is refused with the aliases listed, never sent to a default', async () => {
    const failure = await client.messages.create({ model: 'gpt-4o', ...hello }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.NotFoundError);
    expect(String((failure as Error).message)).toContain('free, think, *haiku*, *sonnet*');
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('an image on a translated route to a model not known to read images is a placeholder, never a 400', async () => {
    const message = await client.messages.create({ model: 'free', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] }] });
    expect(message.type).toBe('message');
    expect((harness.fake.requests[0].body as { messages: Array<{ content: unknown }> }).messages[0].content).toBe('[image omitted: model has no vision]');
  });

  it('accepts the SDK beta path (?beta=true) and answers in Anthropic format', async () => {
    const answered = await rawRequest('/v1/messages?beta=true', { 'x-api-key': harness.server.token, 'anthropic-version': '2023-06-01' }, { model: 'free', ...hello });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'ok: hello there portai' }] });
  });

  it('count_tokens gives a local estimate, never 0', async () => {
    const counted = await client.messages.countTokens({ model: 'free', messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    expect(counted.input_tokens).toBeGreaterThanOrEqual(100);
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('lists aliases and the claude names its patterns catch, with limits and zero pricing on free routes', async () => {
    const listed = await rawRequest('/v1/models', { authorization: `Bearer ${harness.server.token}` });
    const data = listed.body.data as Array<{ id: string; context_length: number; max_completion_tokens: number; pricing: unknown }>;
    const ids = data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['free', 'think', 'claude-haiku-5-5', 'claude-sonnet-5-5']));
    expect(ids).not.toContain('*haiku*');
    const free = data.find((model) => model.id === 'free')!;
    expect(free).toMatchObject({ context_length: 100_000, max_completion_tokens: 321, pricing: { prompt: '0', completion: '0' } });
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(ids);
  });
});
