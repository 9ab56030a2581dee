// Images from an Anthropic client (a pasted screenshot, a Read tool returning a PNG) through `portai serve` to an
// OpenAI-chat upstream: an `image_url` part for a model known to read images, a placeholder and a warning header
// for any other — never a 400, which would repeat on every later turn because the image stays in the history.
import { afterEach, describe, expect, it } from 'vitest';
import { serveConfig, startHarness, type Harness } from './serve-helpers.js';
import { openRouterSchema } from './helpers/openapi-spec.js';
import { IMAGE_OMITTED } from '../src/serve/translate-image.js';
import type { Config } from '../src/types.js';

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

const chatRequest = openRouterSchema('ChatRequest');
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const base64Image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } };
const urlImage = { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } };

/** alpha reads images (stated), beta states nothing; `vision` routes to alpha, `plain` to beta. */
function config(fakeUrl: string): Config {
  const base = serveConfig(fakeUrl);
  const openrouter = base.providers.openrouter;
  openrouter.models = openrouter.models.map((model) => (model.id === 'free/alpha:free' ? { ...model, input_modalities: ['text', 'image'] } : model));
  return {
    ...base,
    routes: [
      { when: { tag: 'vision' }, use: ['openrouter/free/alpha:free'] },
      { when: { tag: 'plain' }, use: ['openrouter/free/beta:free'] },
      { use: ['openrouter/*'] },
    ],
    serve: { models: { vision: { effort: 'low', tag: 'vision' }, plain: { effort: 'low', tag: 'plain' } } },
  };
}

async function messages(model: string, content: unknown[], extra: Record<string, unknown> = {}): Promise<{ status: number; warning: string | null; json: Record<string, unknown> }> {
  const response = await fetch(`${harness.server.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.server.token}`, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model, max_tokens: 100, messages: [{ role: 'user', content }], ...extra }),
  });
  return { status: response.status, warning: response.headers.get('x-portai-warning'), json: (await response.json()) as Record<string, unknown> };
}

type Sent = { model: string; messages: Array<{ role: string; content: unknown; tool_call_id?: string }> };
const sentBody = () => harness.fake.requests[0].body as Sent;

const toolTurn = (result: unknown[]) => [
  { role: 'user', content: 'take a screenshot' },
  { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'screenshot', input: {} }] },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: result }, { type: 'text', text: 'what do you see?' }] },
];

async function withTool(model: string, result: unknown[]) {
  const response = await fetch(`${harness.server.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.server.token}`, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model, max_tokens: 100, messages: toolTurn(result), tools: [{ name: 'screenshot', input_schema: { type: 'object' } }] }),
  });
  return { status: response.status, warning: response.headers.get('x-portai-warning') };
}

describe('images in a user message, Anthropic client → OpenAI-chat upstream', () => {
  it('a vision model gets image_url parts (a data URL for base64, the URL as is) and no warning', async () => {
    harness = await startHarness({ config });
    const { status, warning } = await messages('vision', [{ type: 'text', text: 'compare these' }, base64Image, urlImage]);
    expect(status).toBe(200);
    expect(warning).toBeNull();
    const body = sentBody();
    expect(body.model).toBe('free/alpha:free');
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'compare these' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
    expect(chatRequest(body)).toEqual([]);
  });

  it('a model with no stated vision gets the placeholder, the client a 200 with x-portai-warning', async () => {
    harness = await startHarness({ config });
    const { status, warning, json } = await messages('plain', [base64Image, { type: 'text', text: 'what is this?' }]);
    expect(status).toBe(200);
    expect(json.type).toBe('message');
    expect(warning).toMatch(/placeholder/);
    const body = sentBody();
    expect(body.model).toBe('free/beta:free');
    expect(body.messages).toEqual([{ role: 'user', content: `${IMAGE_OMITTED}\n\nwhat is this?` }]);
    expect(JSON.stringify(body)).not.toContain(PNG);
    expect(chatRequest(body)).toEqual([]);
  });

  it('streaming: the warning header comes with the event stream', async () => {
    harness = await startHarness({ config });
    const response = await fetch(`${harness.server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.server.token}`, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'plain', max_tokens: 100, stream: true, messages: [{ role: 'user', content: [urlImage, { type: 'text', text: 'and this?' }] }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-portai-warning')).toMatch(/placeholder/);
    expect(await response.text()).toContain('message_stop');
    expect(JSON.stringify(sentBody())).not.toContain('example.com/cat.jpg');
  });

  it("the provider's synced catalog (OpenRouter architecture.input_modalities) counts when the config states nothing", async () => {
    harness = await startHarness({ config });
    const row = (id: string, input_modalities: string[]) => ({ id, prompt_price: 0, completion_price: 0, context: 100_000, expiration: null, raw: { id, architecture: { input_modalities } } });
    harness.ledger.saveCatalog('openrouter', [row('free/alpha:free', ['text']), row('free/beta:free', ['text', 'image'])], Date.now());
    const { status, warning } = await messages('plain', [base64Image]);
    expect(status).toBe(200);
    expect(warning).toBeNull();
    expect(sentBody().messages[0].content).toEqual([{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }]);
  });
});

describe('falling back between candidates', () => {
  it('the warning belongs to the candidate that answered: none when a vision model takes over', async () => {
    harness = await startHarness({
      config: (fakeUrl) => {
        const base = config(fakeUrl);
        return { ...base, routes: [{ when: { tag: 'vision' }, use: ['openrouter/free/beta:free', 'openrouter/free/alpha:free'], order: 'fixed' }, ...base.routes] };
      },
    });
    harness.fake.enqueue({ model: 'free/beta:free', status: 404, body: JSON.stringify({ error: { code: 404, message: 'No endpoints found for free/beta:free.' } }) });
    const { status, warning } = await messages('vision', [base64Image]);
    expect(status).toBe(200);
    expect(warning).toBeNull();
    const [first, second] = harness.fake.requests.map((request) => request.body as Sent);
    expect(first.model).toBe('free/beta:free');
    expect(first.messages[0].content).toBe(IMAGE_OMITTED);
    expect(second.model).toBe('free/alpha:free');
    expect(second.messages[0].content).toEqual([{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }]);
  });
});

describe('images inside a tool_result', () => {
  it('vision: the tool message keeps the text, the image follows in the user message ahead of its own text', async () => {
    harness = await startHarness({ config });
    const { status, warning } = await withTool('vision', [{ type: 'text', text: 'captured 1x1' }, base64Image]);
    expect(status).toBe(200);
    expect(warning).toBeNull();
    const body = sentBody();
    expect(body.messages.slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'toolu_1', content: 'captured 1x1' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }, { type: 'text', text: 'what do you see?' }] },
    ]);
    expect(chatRequest(body)).toEqual([]);
  });

  it('an image-only result still gives the tool message words; no vision: placeholder and warning', async () => {
    harness = await startHarness({ config });
    const { status, warning } = await withTool('plain', [base64Image]);
    expect(status).toBe(200);
    expect(warning).toMatch(/placeholder/);
    const body = sentBody();
    const [tool, user] = body.messages.slice(2);
    expect(tool.role).toBe('tool');
    expect(tool.content).toMatch(/returned an image/);
    expect(user).toEqual({ role: 'user', content: `${IMAGE_OMITTED}\n\nwhat do you see?` });
    expect(chatRequest(body)).toEqual([]);
  });
});

describe('the allowlist with images', () => {
  it('an image does not get a refused field through: 400 naming it, nothing sent', async () => {
    harness = await startHarness({ config });
    const { status, json } = await messages('vision', [base64Image], { mcp_servers: [{ type: 'url', url: 'https://mcp.example.com', name: 'x' }] });
    expect(status).toBe(400);
    expect((json.error as { message: string }).message).toMatch(/^mcp_servers: refused by portai serve/);
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('a block type translation cannot carry is still a clear 400, not a silent drop', async () => {
    harness = await startHarness({ config });
    const { status, json } = await messages('vision', [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'AA==' } }]);
    expect(status).toBe(400);
    expect((json.error as { message: string }).message).toMatch(/'document' content blocks are not supported/);
    expect(harness.fake.requests).toHaveLength(0);
  });

  it("an OpenAI client's image_url part passes through unchanged", async () => {
    harness = await startHarness({ config });
    const content = [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }];
    const response = await fetch(`${harness.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.server.token}` },
      body: JSON.stringify({ model: 'vision', messages: [{ role: 'user', content }] }),
    });
    expect(response.status).toBe(200);
    expect(sentBody().messages[0].content).toEqual(content);
  });
});
