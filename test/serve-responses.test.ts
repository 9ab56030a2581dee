// `portai serve`'s POST /v1/responses with the official OpenAI SDK as the client (client.responses.create),
// in front of the fake provider: the Responses request becomes a chat request on the existing proxy path, the
// answer comes back as a Response object or the Responses event stream. Every event is checked against the
// schema of its type in OpenAI's OpenAPI description (test/reference/openai-responses-schemas.json), and
// the shapes portai builds are checked against the SDK's types at compile time.
import fs from 'node:fs';
import OpenAI from 'openai';
import type { ResponseFunctionToolCall, ResponseOutputMessage, ResponseUsage } from 'openai/resources/responses/responses';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResponsesFunctionCallItem, ResponsesMessageItem, ResponsesUsage } from '../src/serve/translate/responses-format.js';
import { eventErrors, responsesSchema } from './helpers/openai-responses-spec.js';
import { openRouterSchema } from './helpers/openapi-spec.js';
import { baseEnv, runCli, tempHome } from './helpers/cli.js';
import { CODEX_TOKEN_ENV, printEnv } from '../src/serve/print-env.js';
import { RESPONSES_DROPPED } from '../src/serve/translate/responses-request.js';
import { SSE_HEADERS, serveConfig, sse, startHarness, type Harness } from './serve-helpers.js';

// compile time: what portai emits is assignable to the SDK's own types (node_modules/openai/resources/responses/responses.d.ts)
const typeChecks: [ResponseOutputMessage, ResponseFunctionToolCall, ResponseUsage] = [
  {} as ResponsesMessageItem,
  {} as ResponsesFunctionCallItem,
  {} as ResponsesUsage,
];
void typeChecks;

const responseSchema = responsesSchema('Response');
const chatRequest = openRouterSchema('ChatRequest');

let harness: Harness;
let client: OpenAI;

beforeEach(async () => {
  harness = await startHarness();
  client = new OpenAI({ baseURL: `${harness.server.url}/v1`, apiKey: harness.server.token, maxRetries: 0 });
});
afterEach(async () => {
  await harness.close();
});

const sentBody = (index = 0) => harness.fake.requests[index].body as Record<string, unknown>;

async function collect(stream: AsyncIterable<OpenAI.Responses.ResponseStreamEvent>): Promise<OpenAI.Responses.ResponseStreamEvent[]> {
  const events: OpenAI.Responses.ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const TOOL: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'shell',
  description: 'runs a command',
  parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
  strict: false,
};

describe('POST /v1/responses, JSON', () => {
  it('a string input and instructions: a chat request upstream, a Response object back, store false, recorded in the ledger', async () => {
    const response = await client.responses.create({ model: 'free', input: 'hello from codex', instructions: 'be brief', store: false });
    expect(response.output_text).toBe('ok: hello from codex');
    expect(response).toMatchObject({ object: 'response', status: 'completed', store: false, instructions: 'be brief', model: 'free/alpha:free' });
    expect(response.usage?.input_tokens).toBeGreaterThan(0);
    expect(response.usage?.total_tokens).toBe((response.usage?.input_tokens ?? 0) + (response.usage?.output_tokens ?? 0));
    expect(responseSchema(response)).toEqual([]);
    // the upstream got OpenRouter's chat shape, with the alias's cap and portai's provider preferences
    expect(sentBody()).toMatchObject({
      model: 'free/alpha:free',
      max_tokens: 321,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello from codex' },
      ],
      provider: { data_collection: 'deny' },
    });
    expect(chatRequest(sentBody())).toEqual([]);
    expect(harness.attempts()).toEqual([{ provider: 'openrouter', model: 'free/alpha:free', client: 'OpenAI/JS', status: 'ok', billing: 'free' }]);
  });

  it('store: true (or absent) is answered the same: portai keeps nothing and says store: false', async () => {
    const response = await client.responses.create({ model: 'free', input: 'keep me', store: true });
    // the SDK does not type `store` on a Response, the spec does
    expect((response as { store?: boolean }).store).toBe(false);
    expect(sentBody().store).toBeUndefined();
  });

  it('message items with input_text parts, max_output_tokens and reasoning effort become the chat fields', async () => {
    await client.responses.create({
      model: 'free',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'part one, ' }, { type: 'input_text', text: 'part two' }] },
        { type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'noted', annotations: [] }] },
        { role: 'user', content: 'and now?' },
      ],
      max_output_tokens: 77,
      reasoning: { effort: 'low' },
    });
    expect(sentBody()).toMatchObject({
      max_tokens: 77,
      reasoning_effort: 'low',
      messages: [
        { role: 'user', content: 'part one, part two' },
        { role: 'assistant', content: 'noted' },
        { role: 'user', content: 'and now?' },
      ],
    });
    expect(chatRequest(sentBody())).toEqual([]);
  });

  it('every field of the dropped list is accepted and never sent; text.format becomes response_format', async () => {
    const values: Record<string, unknown> = {
      store: true,
      include: ['reasoning.encrypted_content'],
      truncation: 'auto',
      max_tool_calls: 3,
      service_tier: 'priority',
      prompt_cache_key: 'k',
      prompt_cache_retention: '24h',
      safety_identifier: 'u1',
      stream_options: { include_obfuscation: false },
      top_logprobs: 2,
      context_management: [{ type: 'compaction' }],
    };
    expect(Object.keys(values).sort()).toEqual(Object.keys(RESPONSES_DROPPED).sort());
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const response = await client.responses.create({ model: 'free', input: 'x', text: { format: { type: 'json_schema', name: 'answer', schema, strict: true }, verbosity: 'low' }, ...values } as never);
    expect((response as OpenAI.Responses.Response).status).toBe('completed');
    for (const field of Object.keys(values)) expect(sentBody()).not.toHaveProperty(field);
    expect(sentBody()).not.toHaveProperty('text');
    expect(sentBody().response_format).toEqual({ type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } });
    expect(chatRequest(sentBody())).toEqual([]);
  });

  it('an anthropic-messages upstream (the think alias on Z.AI): translated twice, still a valid Response', async () => {
    harness.fake.enqueue({ text: 'a deep answer' });
    const response = await client.responses.create({ model: 'think', input: 'deep question' });
    expect(response.output_text).toBe('a deep answer');
    expect(JSON.stringify(sentBody().messages)).toContain('deep question');
    expect(responseSchema(response)).toEqual([]);
    expect(harness.fake.requests[0].path).toBe('/api/anthropic/v1/messages');
  });
});

describe('POST /v1/responses, streaming', () => {
  it('the real event sequence, numbered from 0, each event valid against its schema, usage in response.completed', async () => {
    const events = await collect(await client.responses.create({ model: 'free', input: 'stream me please', stream: true }));
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('response.created');
    expect(types[1]).toBe('response.in_progress');
    expect(types.slice(2, 4)).toEqual(['response.output_item.added', 'response.content_part.added']);
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    expect(new Set(types.slice(4, -4))).toEqual(new Set(['response.output_text.delta']));
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(eventErrors(events)).toEqual([]);
    const text = events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : [])).join('');
    expect(text).toBe('ok: stream me please');
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.usage?.output_tokens).toBeGreaterThan(0);
    expect(completed.response.output).toHaveLength(1);
    expect(sentBody()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(harness.attempts().map((attempt) => attempt.status)).toEqual(['ok']);
  });

  it("the SDK's own stream helper assembles the final response from portai's events", async () => {
    const stream = client.responses.stream({ model: 'free', input: 'helper' });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('ok: helper');
  });

  it('an anthropic upstream streams the same sequence', async () => {
    harness.fake.enqueue({ text: 'a streamed deep answer' });
    const events = await collect(await client.responses.create({ model: 'think', input: 'stream deep', stream: true }));
    expect(events[0].type).toBe('response.created');
    expect(events.at(-1)?.type).toBe('response.completed');
    expect(eventErrors(events)).toEqual([]);
    const text = events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : [])).join('');
    expect(text).toBe('a streamed deep answer');
    expect((events.at(-1) as OpenAI.Responses.ResponseCompletedEvent).response.usage?.output_tokens).toBeGreaterThan(0);
  });

  it('an upstream that fails after text began: response.failed ends the stream, the attempt is recorded failed', async () => {
    harness.fake.reply(() => ({ midStreamError: true }));
    const events = await collect(await client.responses.create({ model: 'free', input: 'break', stream: true }));
    const last = events.at(-1) as OpenAI.Responses.ResponseFailedEvent;
    expect(last.type).toBe('response.failed');
    expect(last.response.error?.message).toContain('failed mid-answer');
    expect(eventErrors(events)).toEqual([]);
    expect(harness.attempts().map((attempt) => attempt.status)).not.toContain('ok');
  });
});

describe('a function tool loop (what Codex does with its shell tool)', () => {
  const frame = { id: 'gen-tool', object: 'chat.completion.chunk', created: 1, model: 'free/alpha:free' };
  const argumentsText = JSON.stringify({ command: 'echo hi' });
  const toolCallStream = () =>
    sse([
      { ...frame, choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [{ index: 0, id: 'call_shell_1', type: 'function', function: { name: 'shell', arguments: '' } }] }, finish_reason: null }] },
      ...argumentsText.match(/[\s\S]{1,6}/g)!.map((fragment) => ({ ...frame, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: fragment } }] }, finish_reason: null }] })),
      { ...frame, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      { ...frame, choices: [], usage: { prompt_tokens: 20, completion_tokens: 9, cost: 0 } },
    ]);

  it('streamed: a function_call item with argument deltas; the function_call_output goes back as a tool message; then text', async () => {
    harness.fake.enqueue({ status: 200, headers: SSE_HEADERS, body: toolCallStream() });
    const first = await collect(await client.responses.create({ model: 'free', input: 'run echo hi', tools: [TOOL], stream: true }));
    expect(eventErrors(first)).toEqual([]);
    expect(first.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      ...argumentsText.match(/[\s\S]{1,6}/g)!.map(() => 'response.function_call_arguments.delta'),
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const done = first.find((event) => event.type === 'response.output_item.done') as OpenAI.Responses.ResponseOutputItemDoneEvent;
    const call = done.item as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ type: 'function_call', call_id: 'call_shell_1', name: 'shell', arguments: argumentsText, status: 'completed' });
    expect(sentBody(0).tools).toEqual([{ type: 'function', function: { name: 'shell', description: 'runs a command', parameters: TOOL.parameters, strict: false } }]);

    harness.fake.enqueue({ text: 'the command printed hi' });
    const second = await client.responses.create({
      model: 'free',
      tools: [TOOL],
      input: [{ role: 'user', content: 'run echo hi' }, call, { type: 'function_call_output', call_id: call.call_id, output: 'hi\n' }],
    });
    expect(second.output_text).toBe('the command printed hi');
    expect(sentBody(1).messages).toEqual([
      { role: 'user', content: 'run echo hi' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_shell_1', type: 'function', function: { name: 'shell', arguments: argumentsText } }] },
      { role: 'tool', tool_call_id: 'call_shell_1', content: 'hi\n' },
    ]);
    expect(chatRequest(sentBody(1))).toEqual([]);
  });

  it('parallel calls: two streamed tool calls are two function_call items; sent back, they are one assistant turn', async () => {
    const frame2 = { ...frame, id: 'gen-two' };
    const call = (index: number, id: string, fragment: string) => ({ ...frame2, choices: [{ index: 0, delta: { tool_calls: [{ index, id, type: 'function', function: { name: 'shell', arguments: fragment } }] }, finish_reason: null }] });
    harness.fake.enqueue({
      status: 200,
      headers: SSE_HEADERS,
      body: sse([call(0, 'call_a', '{"command":"ls"}'), call(1, 'call_b', '{"command":"pwd"}'), { ...frame2, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }, { ...frame2, choices: [], usage: { prompt_tokens: 5, completion_tokens: 6, cost: 0 } }]),
    });
    const events = await collect(await client.responses.create({ model: 'free', input: 'two', tools: [TOOL], stream: true }));
    expect(eventErrors(events)).toEqual([]);
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    const calls = completed.response.output as OpenAI.Responses.ResponseFunctionToolCall[];
    expect(calls.map((item) => [item.call_id, item.arguments])).toEqual([
      ['call_a', '{"command":"ls"}'],
      ['call_b', '{"command":"pwd"}'],
    ]);
    const added = events.filter((event) => event.type === 'response.output_item.added') as OpenAI.Responses.ResponseOutputItemAddedEvent[];
    expect(added.map((event) => event.output_index)).toEqual([0, 1]);

    await client.responses.create({
      model: 'free',
      input: [
        { role: 'user', content: 'two' },
        ...calls,
        { type: 'function_call_output', call_id: 'call_a', output: 'a.txt' },
        { type: 'function_call_output', call_id: 'call_b', output: '/tmp' },
      ],
    });
    const messages = sentBody(1).messages as Array<{ role: string; tool_calls?: unknown[] }>;
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
    expect(messages[1].tool_calls).toHaveLength(2);
  });

  it('JSON: the tool call is a function_call output item', async () => {
    const completion = {
      id: 'gen-json',
      object: 'chat.completion',
      created: 1,
      model: 'free/alpha:free',
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_j', type: 'function', function: { name: 'shell', arguments: argumentsText } }] } }],
      usage: { prompt_tokens: 12, completion_tokens: 7, cost: 0 },
    };
    harness.fake.enqueue({ status: 200, body: completion });
    const response = await client.responses.create({ model: 'free', input: 'run it', tools: [TOOL], tool_choice: { type: 'function', name: 'shell' } });
    expect(response.output).toEqual([expect.objectContaining({ type: 'function_call', call_id: 'call_j', name: 'shell', arguments: argumentsText })]);
    expect(response.usage).toMatchObject({ input_tokens: 12, output_tokens: 7, total_tokens: 19 });
    expect(responseSchema(response)).toEqual([]);
    expect(sentBody().tool_choice).toEqual({ type: 'function', function: { name: 'shell' } });
  });
});

describe('the same guards and fallbacks as the chat endpoint', () => {
  it('an upstream that fails before any content is retried (or falls back), invisibly to the client', async () => {
    harness.fake.enqueue({ model: 'free/alpha:free', status: 200, headers: SSE_HEADERS, body: sse([{ error: { code: 502, message: 'Upstream provider disconnected' } }], false) });
    const events = await collect(await client.responses.create({ model: 'free', input: 'fall back', stream: true }));
    expect(eventErrors(events)).toEqual([]);
    expect(events.at(-1)?.type).toBe('response.completed');
    // the failed attempt left no trace in the stream: one response.created, from the attempt that answered
    expect(events.filter((event) => event.type === 'response.created')).toHaveLength(1);
    expect(harness.attempts().map((attempt) => attempt.status)).toEqual(['error', 'ok']);
  });

  it('free models in a rate window and a metered fallback at a $0 budget: 429 with retry-after; the metered model never asked', async () => {
    await harness.close();
    harness = await startHarness({ config: (url) => serveConfig(url, {}, { requests_per_minute: 1 }) });
    client = new OpenAI({ baseURL: `${harness.server.url}/v1`, apiKey: harness.server.token, maxRetries: 0 });
    await client.responses.create({ model: 'claude-haiku-4', input: 'first' });
    const failure = await client.responses.create({ model: 'claude-haiku-4', input: 'second' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number((failure as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(String((failure as Error).message)).toContain('paid/expensive-model — spend');
    expect(harness.fake.requests.map((request) => request.path)).toEqual(['/api/v1/chat/completions']);
  });

  it('an answer cut by the output limit is incomplete (response.incomplete), as OpenAI reports it', async () => {
    harness.fake.enqueue({ text: 'cut short', finish_reason: 'length' }, { text: 'cut short', finish_reason: 'length' });
    const events = await collect(await client.responses.create({ model: 'free', input: 'long', stream: true }));
    const last = events.at(-1) as OpenAI.Responses.ResponseIncompleteEvent;
    expect(last.type).toBe('response.incomplete');
    expect(last.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(eventErrors(events)).toEqual([]);
    const json = await client.responses.create({ model: 'free', input: 'long' });
    expect(json).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output_text: 'cut short' });
    expect(responseSchema(json)).toEqual([]);
  });
});

describe('refused before anything is sent', () => {
  const refusals: Array<[string, Record<string, unknown>, string]> = [
    ['previous_response_id', { input: 'x', previous_response_id: 'resp_abc' }, 'portai does not store responses; send the full conversation'],
    ['a built-in tool', { input: 'x', tools: [{ type: 'web_search' }] }, "tools[0].type: refused by portai serve: 'web_search' is a built-in tool"],
    ["Codex's hosted web search, with the setting that turns it off", { input: 'x', tools: [{ type: 'web_search', external_web_access: false }] }, 'web_search = "disabled" in ~/.codex/config.toml'],
    [
      "Codex's sub-agent namespace, with the setting that turns it off",
      { input: 'x', tools: [{ type: 'namespace', name: 'multi_agent_v1', description: 'sub-agents', tools: [{ type: 'function', name: 'spawn_agent', parameters: { type: 'object' } }] }] },
      "tools[0].type: refused by portai serve: a 'namespace' of tools (Codex's sub-agents) is not translated; portai serve forwards only type 'function' (Codex: [agents] enabled = false",
    ],
    ['a file input part', { input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }] }, 'input[0].content[0].type: refused'],
    ['a built-in tool call item', { input: [{ type: 'web_search_call', id: 'ws_1' }] }, 'input[0].type: refused'],
    ["the chat edge's own refusals (OpenRouter provider preferences)", { input: 'x', provider: { sort: 'price' } }, 'provider: refused by portai serve'],
    ['background', { input: 'x', background: true }, 'background: refused'],
  ];
  for (const [what, extra, message] of refusals) {
    it(`${what}: 400 naming the field`, async () => {
      const failure = await client.responses.create({ model: 'free', ...extra } as never).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
      expect((failure as Error).message).toContain(message);
      expect(harness.fake.requests).toHaveLength(0);
      expect(harness.attempts()).toEqual([]);
    });
  }

  it('an unknown model is refused like on the chat endpoint, nothing sent', async () => {
    const failure = await client.responses.create({ model: 'gpt-5-codex', input: 'x' }).catch((error: unknown) => error);
    expect((failure as { status?: number }).status).toBe(404);
    expect(harness.fake.requests).toHaveLength(0);
  });
});

describe('portai serve --print-env codex', () => {
  it('prints a ~/.codex/config.toml provider whose settings, used as Codex uses them, reach /v1/responses', async () => {
    const printed = printEnv('codex', harness.server.url, harness.server.token, harness.config.serve.models);
    const setting = (key: string) => new RegExp(`^${key} = "([^"]*)"$`, 'm').exec(printed)?.[1];
    expect(setting('model_provider')).toBe('portai');
    expect(printed).toContain('[model_providers.portai]\n');
    expect(setting('wire_api')).toBe('responses');
    expect(setting('base_url')).toBe(`${harness.server.url}/v1`);
    expect(setting('env_key')).toBe(CODEX_TOKEN_ENV);
    // TOML: root keys must come before the first table, or they land inside it
    expect(printed.indexOf('model = ')).toBeLessThan(printed.indexOf('[model_providers.portai]'));
    const token = new RegExp(`^# export ${CODEX_TOKEN_ENV}=(\\S+)$`, 'm').exec(printed)?.[1];
    expect(token).toBe(harness.server.token);
    // Codex appends /responses to base_url and sends the env_key's value as a bearer token
    const codexLike = new OpenAI({ baseURL: setting('base_url'), apiKey: token, maxRetries: 0 });
    const response = await codexLike.responses.create({ model: setting('model')!, input: 'from the printed config', stream: false });
    expect(response.status).toBe('completed');
  });

  it('the CLI accepts codex (and still refuses an unknown client with exit 2)', async () => {
    const home = tempHome('portai-codex-env-');
    try {
      const shown = await runCli(['serve', '--print-env', 'codex', '--port', '9913'], { env: baseEnv(home), cwd: home });
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain('base_url = "http://127.0.0.1:9913/v1"');
      expect(shown.stdout).toContain('wire_api = "responses"');
      const refused = await runCli(['serve', '--print-env', 'vim'], { env: baseEnv(home), cwd: home });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('expected claude, hermes, codex or opencode');
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
