// What `portai serve` forwards of a client's body: the allowlist of request-fields.ts. A refused field is a 400 in
// the client's format naming it, and nothing reaches the (recording) fake upstream; allowed fields arrive, and the
// forwarded body satisfies OpenRouter's ChatRequest schema.
import { afterEach, describe, expect, it } from 'vitest';
import { serveConfig, startHarness, type Harness } from './serve-helpers.js';
import { openRouterSchema } from './helpers/openapi-spec.js';
import { DROPPED_QUIETLY, OPENAI_FORWARDED } from '../src/serve/request-fields.js';
import type { Config } from '../src/types.js';

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

const chatRequest = openRouterSchema('ChatRequest');
// OpenRouter's description of the Anthropic Messages request (its /messages endpoint speaks Anthropic's format)
const messagesRequest = openRouterSchema('MessagesRequest');
const ask = [{ role: 'user', content: 'hello' }];

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${harness.server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.server.token}`, 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const openai = (extra: Record<string, unknown>) => post('/v1/chat/completions', { model: 'free', messages: ask, ...extra });
const anthropic = (model: string, extra: Record<string, unknown>) => post('/v1/messages', { model, max_tokens: 100, messages: ask, ...extra });

const OPENAI_REFUSALS: Array<[string, Record<string, unknown>, string]> = [
  ['plugins (fusion)', { plugins: [{ id: 'fusion' }] }, 'plugins'],
  ['plugins (web)', { plugins: [{ id: 'web' }] }, 'plugins'],
  ['preset', { preset: 'my-preset' }, 'preset'],
  ['route', { route: 'fallback' }, 'route'],
  ['transforms', { transforms: ['middle-out'] }, 'transforms'],
  ['models', { models: ['anthropic/claude-opus-4'] }, 'models'],
  ['provider', { provider: { max_price: { prompt: '100', completion: '100' }, sort: 'price' } }, 'provider'],
  ['web_search_options', { web_search_options: { search_context_size: 'high' } }, 'web_search_options'],
  ['prediction', { prediction: { type: 'content', content: 'x' } }, 'prediction'],
  ['audio', { audio: { voice: 'alloy', format: 'mp3' } }, 'audio'],
  ['an OpenRouter server tool', { tools: [{ type: 'openrouter:web_search' }] }, 'tools[0].type'],
  ['a non-function tool after a function tool', { tools: [{ type: 'function', function: { name: 'f' } }, { type: 'web_search' }] }, 'tools[1].type'],
  ['a tool_choice naming a server tool', { tool_choice: { type: 'web_search' } }, 'tool_choice.type'],
  ['a file part', { messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,AA==' } }] }] }, 'messages[0].content[0].type'],
];

describe('OpenAI chat requests: refused fields', () => {
  it.each(OPENAI_REFUSALS)('%s is a 400 naming the field, and nothing is sent', async (_name, extra, field) => {
    harness = await startHarness();
    const { status, json } = await openai(extra);
    expect(status).toBe(400);
    const error = json.error as { message: string; type: string };
    expect(error.type).toBe('invalid_request_error');
    expect(error.message.startsWith(`${field}: refused by portai serve`)).toBe(true);
    expect(harness.fake.requests).toHaveLength(0);
    expect(harness.attempts()).toHaveLength(0);
  });
});

describe('OpenAI chat requests: what is forwarded', () => {
  it('every allowed field arrives as sent; dropped fields never do; the body satisfies ChatRequest', async () => {
    harness = await startHarness();
    const allowed = {
      max_completion_tokens: 200,
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      min_p: 0.05,
      top_a: 0,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      repetition_penalty: 1,
      seed: 7,
      logit_bias: { '50256': -100 },
      logprobs: true,
      top_logprobs: 2,
      stop: ['END'],
      response_format: { type: 'json_object' },
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      parallel_tool_calls: false,
      reasoning: { effort: 'low' },
      user: 'user-123',
      metadata: { session: 's-1' },
    };
    const dropped: Record<string, unknown> = { ...Object.fromEntries(Object.keys(DROPPED_QUIETLY).map((field) => [field, 'x'])), n: 2, modalities: ['text', 'image'], made_up_field: 1 };
    const tools = [{ type: 'function', function: { name: 'lookup', description: 'd', parameters: { type: 'object' }, strict: true }, cache_control: { type: 'ephemeral' } }];
    const { status } = await openai({ ...allowed, ...dropped, tools });
    expect(status).toBe(200);
    const sent = harness.fake.requests[0].body as Record<string, unknown>;
    expect(sent).toMatchObject(allowed);
    expect(sent.tools).toEqual([{ type: 'function', function: { name: 'lookup', description: 'd', parameters: { type: 'object' }, strict: true } }]);
    for (const field of Object.keys(dropped)) expect(sent, field).not.toHaveProperty(field);
    expect(chatRequest(sent)).toEqual([]);
    // every field portai may forward is one OpenRouter's ChatRequest defines
    for (const field of Object.keys(sent)) expect(['model', 'provider', ...Object.keys(OPENAI_FORWARDED)], field).toContain(field);
  });

  it('a stream keeps only include_usage of stream_options, and the body satisfies ChatRequest', async () => {
    harness = await startHarness();
    const response = await fetch(`${harness.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.server.token}` },
      body: JSON.stringify({ model: 'free', messages: ask, stream: true, stream_options: { include_usage: false, include_obfuscation: true } }),
    });
    expect(response.status).toBe(200);
    await response.text();
    const sent = harness.fake.requests[0].body as Record<string, unknown>;
    expect(sent.stream_options).toEqual({ include_usage: true });
    expect(chatRequest(sent)).toEqual([]);
  });
});

const ANTHROPIC_REFUSALS: Array<[string, Record<string, unknown>, string]> = [
  ['mcp_servers', { mcp_servers: [{ type: 'url', url: 'https://mcp.example.com/sse', name: 'x' }] }, 'mcp_servers'],
  ['container', { container: 'container_abc' }, 'container'],
  ['a web_search server tool', { tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 8 }] }, 'tools[0].type'],
  ['a code_execution server tool', { tools: [{ name: 'ok', input_schema: { type: 'object' } }, { type: 'code_execution_20250522', name: 'code_execution' }] }, 'tools[1].type'],
  ['a web_fetch server tool', { tools: [{ type: 'web_fetch_20250910', name: 'web_fetch' }] }, 'tools[0].type'],
  ['fast mode', { speed: 'fast' }, 'speed'],
  ['OpenRouter fallbacks', { fallbacks: [{ model: 'claude-opus-4-8' }] }, 'fallbacks'],
  ['OpenRouter plugins', { plugins: [{ id: 'web' }] }, 'plugins'],
  ['OpenRouter provider preferences', { provider: { sort: 'price' } }, 'provider'],
];

describe('Anthropic messages requests: refused fields, on a pass-through and on a translated route', () => {
  const cases = ANTHROPIC_REFUSALS.flatMap(([name, extra, field]) => [
    [`${name} (Anthropic upstream)`, 'claude-sonnet-4', extra, field] as const,
    [`${name} (OpenAI-chat upstream)`, 'free', extra, field] as const,
  ]);
  it.each(cases)('%s is a 400 naming the field, and nothing is sent', async (_name, model, extra, field) => {
    harness = await startHarness();
    const { status, json } = await anthropic(model, extra);
    expect(status).toBe(400);
    expect(json.type).toBe('error');
    const error = json.error as { message: string; type: string };
    expect(error.type).toBe('invalid_request_error');
    expect(error.message.startsWith(`${field}: refused by portai serve`)).toBe(true);
    expect(harness.fake.requests).toHaveLength(0);
  });
});

describe('Anthropic messages requests: what is forwarded', () => {
  const allowed = {
    system: [{ type: 'text', text: 'Be brief.' }],
    stop_sequences: ['END'],
    temperature: 0.2,
    top_p: 0.9,
    top_k: 20,
    tool_choice: { type: 'auto' },
  };
  // what Claude Code sends besides (context_management and output_config on every request)
  const claudeCodeExtras = {
    metadata: { user_id: 'user_abc_account__session_1', other: 'x' },
    context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
    output_config: { effort: 'high' },
    service_tier: 'auto',
    speed: 'standard',
  };
  const tools = [{ name: 'Bash', description: 'run', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }];

  it('pass-through: allowed fields arrive, Claude Code extras are dropped, metadata keeps only user_id', async () => {
    harness = await startHarness();
    const { status } = await anthropic('claude-sonnet-4', { ...allowed, ...claudeCodeExtras, tools });
    expect(status).toBe(200);
    const sent = harness.fake.requests[0].body as Record<string, unknown>;
    expect(harness.fake.requests[0].path).toBe('/api/anthropic/v1/messages');
    expect(sent).toMatchObject({ ...allowed, model: 'glm-4.7', max_tokens: 100, metadata: { user_id: 'user_abc_account__session_1' } });
    expect(sent.metadata).toEqual({ user_id: 'user_abc_account__session_1' });
    expect(sent.tools).toEqual([{ name: 'Bash', description: 'run', input_schema: { type: 'object' } }]);
    for (const field of ['context_management', 'output_config', 'service_tier']) expect(sent, field).not.toHaveProperty(field);
    expect(messagesRequest(sent)).toEqual([]);
  });

  it('anthropic-beta: only the betas that change delivery pass; premium-priced and server-tool betas do not', async () => {
    harness = await startHarness();
    const betas = 'claude-code-20250219,context-1m-2025-08-07,interleaved-thinking-2025-05-14,extended-cache-ttl-2025-04-11,fine-grained-tool-streaming-2025-05-14,mcp-client-2025-04-04,context-management-2025-06-27';
    expect((await post('/v1/messages', { model: 'claude-sonnet-4', max_tokens: 100, messages: ask }, { 'anthropic-beta': betas })).status).toBe(200);
    expect(harness.fake.requests[0].headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14');
    expect((await post('/v1/messages', { model: 'claude-sonnet-4', max_tokens: 100, messages: ask }, { 'anthropic-beta': 'context-1m-2025-08-07' })).status).toBe(200);
    expect(harness.fake.requests[1].headers).not.toHaveProperty('anthropic-beta');
  });

  it('translated to OpenAI chat: the body carries only mapped fields and satisfies ChatRequest', async () => {
    harness = await startHarness();
    const { status } = await anthropic('free', { ...allowed, ...claudeCodeExtras, tools });
    expect(status).toBe(200);
    const sent = harness.fake.requests[0].body as Record<string, unknown>;
    expect(harness.fake.requests[0].path).toBe('/api/v1/chat/completions');
    expect(sent).toMatchObject({ stop: ['END'], temperature: 0.2, top_p: 0.9 });
    expect(Object.keys(sent).sort()).toEqual(['max_tokens', 'messages', 'model', 'provider', 'stop', 'temperature', 'tool_choice', 'tools', 'top_p'].sort());
    expect(chatRequest(sent)).toEqual([]);
  });

  it('OpenAI client on an Anthropic upstream: the translated body carries only mapped fields and satisfies MessagesRequest', async () => {
    harness = await startHarness();
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];
    const { status } = await post('/v1/chat/completions', { model: 'think', messages: ask, temperature: 0.4, stop: 'END', tools, seed: 3, user: 'u', session_id: 's', logit_bias: { '1': 1 } });
    expect(status).toBe(200);
    const sent = harness.fake.requests[0].body as Record<string, unknown>;
    expect(harness.fake.requests[0].path).toBe('/api/anthropic/v1/messages');
    expect(Object.keys(sent).sort()).toEqual(['max_tokens', 'messages', 'model', 'stop_sequences', 'temperature', 'tools'].sort());
    expect(messagesRequest(sent)).toEqual([]);
  });

  it('OpenAI client on an Anthropic upstream: refused fields stop before translation too', async () => {
    harness = await startHarness();
    const { status } = await post('/v1/chat/completions', { model: 'think', messages: ask, plugins: [{ id: 'web' }] });
    expect(status).toBe(400);
    expect(harness.fake.requests).toHaveLength(0);
  });
});

describe('serve.allow: [web_search]', () => {
  const withWebSearch = (budget: number) => (url: string): Config => {
    const base = serveConfig(url);
    return { ...base, budget: { usd_per_day: budget }, serve: { ...base.serve, allow: ['web_search'] } };
  };

  it('at a $0 budget the web plugin is refused by the spend guard, on a free model, with nothing sent', async () => {
    harness = await startHarness({ config: withWebSearch(0) });
    const { status, json } = await openai({ plugins: [{ id: 'web' }] });
    expect(status).toBe(403);
    expect((json.error as { message: string }).message).toMatch(/budget\.usd_per_day is 0/);
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('within budget: sent with the Exa engine pinned, its price reserved and counted, no cost alarm', async () => {
    harness = await startHarness({ config: withWebSearch(0.05) });
    // 5 results × $0.004 = $0.02 reserved; OpenRouter reports what it billed
    harness.fake.enqueue({ text: 'found it', cost: 0.02 });
    expect((await openai({ plugins: [{ id: 'web', engine: 'native', max_results: 5 }] })).status).toBe(200);
    expect(harness.fake.requests[0].body).toMatchObject({ plugins: [{ id: 'web', engine: 'exa', max_results: 5 }] });
    expect(chatRequest(harness.fake.requests[0].body)).toEqual([]);
    expect(harness.logs.join('\n')).not.toMatch(/cost alarm|reported a cost/);
    harness.fake.enqueue({ text: 'again', cost: 0.02 });
    expect((await openai({ plugins: [{ id: 'web' }] })).status).toBe(200);
    // $0.04 spent: the third search ($0.02 worst case) no longer fits $0.05
    const third = await openai({ plugins: [{ id: 'web' }] });
    expect(third.status).toBe(403);
    expect(harness.fake.requests).toHaveLength(2);
  });

  it('a search still in flight counts at its reserved price: two at once cannot both take the last of the budget', async () => {
    harness = await startHarness({ config: withWebSearch(0.03) });
    harness.fake.reply(() => ({ text: 'found', cost: 0.02, delay_ms: 300 }));
    const statuses = await Promise.all([openai({ plugins: [{ id: 'web' }] }), openai({ plugins: [{ id: 'web' }] })]).then((answers) => answers.map((answer) => answer.status));
    expect(statuses.sort()).toEqual([200, 403]);
    expect(harness.fake.requests).toHaveLength(1);
  });

  it('a free model reporting more than the search it was allowed raises the cost alarm', async () => {
    harness = await startHarness({ config: withWebSearch(1) });
    harness.fake.enqueue({ text: 'found', cost: 0.05 });
    expect((await openai({ plugins: [{ id: 'web', max_results: 5 }] })).status).toBe(200);
    expect(harness.logs.join('\n')).toMatch(/openrouter is free but reported a cost of \$0\.05/);
  });

  it("Claude Code's WebSearch (an Anthropic web_search tool) is answered by the web plugin on an OpenRouter route", async () => {
    harness = await startHarness({ config: withWebSearch(0.05) });
    const webSearchTool = { type: 'web_search_20250305', name: 'web_search', max_uses: 8 };
    const { status, json } = await anthropic('claude-haiku-4-5', { tools: [webSearchTool], messages: [{ role: 'user', content: 'Perform a web search for the query: portai' }] });
    expect(status).toBe(200);
    expect(json.type).toBe('message');
    const sent = harness.fake.requests[0];
    expect(sent.path).toBe('/api/v1/chat/completions');
    expect(sent.body).toMatchObject({ plugins: [{ id: 'web', engine: 'exa', max_results: 5 }] });
    expect(sent.body).not.toHaveProperty('tools');
    expect(chatRequest(sent.body)).toEqual([]);
    // with a custom tool beside it, the custom tool stays
    await anthropic('claude-haiku-4-5', { tools: [webSearchTool, { name: 'Bash', input_schema: { type: 'object' } }] });
    expect((harness.fake.requests[1].body as { tools: Array<{ function: { name: string } }> }).tools.map((tool) => tool.function.name)).toEqual(['Bash']);
  });

  it('the Anthropic web_search tool at a $0 budget: refused by the spend guard, nothing sent', async () => {
    harness = await startHarness({ config: withWebSearch(0) });
    const { status } = await anthropic('claude-haiku-4-5', { tools: [{ type: 'web_search_20250305', name: 'web_search' }] });
    expect(status).toBe(403);
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('a plugin other than web stays refused', async () => {
    harness = await startHarness({ config: withWebSearch(1) });
    const { status, json } = await openai({ plugins: [{ id: 'web' }, { id: 'fusion' }] });
    expect(status).toBe(400);
    expect((json.error as { message: string }).message).toMatch(/^plugins\[1\]\.id: refused/);
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('a route that is not OpenRouter is not used for a web search', async () => {
    harness = await startHarness({ config: withWebSearch(1) });
    const { status } = await post('/v1/chat/completions', { model: 'think', messages: ask, plugins: [{ id: 'web' }] });
    // think → zai first (no web search there), then OpenRouter
    expect(status).toBe(200);
    expect(harness.fake.requests).toHaveLength(1);
    expect(harness.fake.requests[0].path).toBe('/api/v1/chat/completions');
  });
});
