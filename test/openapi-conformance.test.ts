// What portai sends to OpenRouter, and what the fake provider answers in its name, must satisfy
// OpenRouter's official OpenAPI description (../shared/reference/openrouter-openapi.yaml).
import fs from 'node:fs';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ajv } from '../src/ajv.js';
import { openRouterSpecFile } from './helpers/openapi-spec.js';
import type { ChatRequest } from '../src/types.js';
import { adapterFor, post } from '../src/wire/index.js';
import { testEndpoint } from './fake-provider/endpoint.js';
import { startFakeProvider } from './fake-provider/server.js';

const specFile = openRouterSpecFile();
const SPEC_ID = 'https://openrouter.ai/openapi.yaml';

const spec = parse(fs.readFileSync(specFile, 'utf8')) as { components: { schemas: Record<string, unknown> } };
const validator = ajv();
// formats the spec names that ajv-formats does not know (media types and the like) are annotations here
for (const format of new Set(fs.readFileSync(specFile, 'utf8').match(/format: '([^']+)'/g)?.map((line) => line.slice(9, -1)))) {
  if (!validator.formats[format]) validator.addFormat(format, true);
}
if (!validator.getSchema(SPEC_ID)) validator.addSchema(spec as object, SPEC_ID);
const schemaOf = (name: string) => {
  expect(spec.components.schemas[name], `the spec defines ${name}`).toBeDefined();
  return validator.compile({ $ref: `${SPEC_ID}#/components/schemas/${name}` });
};
const chatRequestSchema = schemaOf('ChatRequest');

function problems(validate: ReturnType<typeof schemaOf>, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

const provider = await startFakeProvider();
afterAll(() => provider.close());
const endpoint = testEndpoint(provider.url, { family: 'openrouter' });

const base: ChatRequest = {
  model: 'nvidia/nemotron-3-super-120b-a12b:free',
  messages: [
    { role: 'system', content: 'Answer in JSON.' },
    { role: 'user', content: 'Summarise: quotas, routing, spend guards.' },
    { role: 'assistant', content: '{"draft":true}' },
    { role: 'user', content: 'Now the final version.' },
  ],
  effort: 'low',
  privacy: 'public',
  free_only: false,
};

const VARIANTS: Record<string, Partial<ChatRequest>> = {
  'free + private': { free_only: true, privacy: 'private' },
  reasoning: { thinking: 'openrouter-reasoning', effort: 'high', max_output_tokens: 2000 },
  json: { json: { schema: { type: 'object' } } },
  stream: { stream: true, free_only: true, privacy: 'private' },
};

describe('request bodies portai sends to POST /chat/completions', () => {
  it.each(Object.entries(VARIANTS))('%s satisfies ChatRequest', async (_name, variant) => {
    provider.reset();
    await adapterFor('openai-chat').send(endpoint, { ...base, ...variant });
    const sent = provider.requests[0].body as Record<string, unknown>;
    expect(problems(chatRequestSchema, sent)).toEqual([]);
    expect(sent).not.toHaveProperty('models');
  });

  it('would catch max_price sent as numbers, as the prose docs show them', async () => {
    provider.reset();
    await adapterFor('openai-chat').send(endpoint, { ...base, free_only: true });
    const sent = structuredClone(provider.requests[0].body) as { provider: { max_price: Record<string, unknown> } };
    expect(problems(chatRequestSchema, sent)).toEqual([]);
    sent.provider.max_price = { prompt: 0, completion: 0 };
    expect(problems(chatRequestSchema, sent).join('\n')).toMatch(/max_price\/prompt must be string/);
  });
});

describe("the fake provider's answers", () => {
  const headers = { 'content-type': 'application/json', authorization: 'Bearer fake' };

  it('a JSON answer satisfies ChatResult', async () => {
    provider.enqueue({ text: 'A summary.', cost: 0.0002 });
    const response = await post(`${endpoint.base_url}/chat/completions`, headers, { model: base.model, messages: base.messages }, endpoint.timeouts);
    const body = JSON.parse(await response.body.text());
    expect(problems(schemaOf('ChatResult'), body)).toEqual([]);
    expect(body.usage.cost).toBe(0.0002);
  });

  it('a JSON tool call satisfies ChatResult', async () => {
    provider.enqueue({ toolCall: { name: 'bash', arguments: { command: 'echo hi' } } });
    const response = await post(`${endpoint.base_url}/chat/completions`, headers, { model: base.model, messages: base.messages }, endpoint.timeouts);
    const body = JSON.parse(await response.body.text());
    expect(problems(schemaOf('ChatResult'), body)).toEqual([]);
    expect(body.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { tool_calls: [{ type: 'function', function: { name: 'bash', arguments: '{"command":"echo hi"}' } }] } });
  });

  it('the chunks of an SSE answer satisfy ChatStreamChunk, including the error chunk and a tool call', async () => {
    const chunks: unknown[] = [];
    for (const reply of [{ text: 'Streamed summary here.' }, { midStreamError: true }, { toolCall: { name: 'bash', arguments: { command: 'echo hi' } } }]) {
      provider.enqueue(reply);
      const response = await post(`${endpoint.base_url}/chat/completions`, headers, { model: base.model, messages: base.messages, stream: true }, endpoint.timeouts);
      const text = await response.body.text();
      for (const line of text.split('\n')) if (line.startsWith('data: {')) chunks.push(JSON.parse(line.slice('data: '.length)));
    }
    const validateChunk = schemaOf('ChatStreamChunk');
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(problems(validateChunk, chunk)).toEqual([]);
    expect(chunks.some((chunk) => (chunk as { error?: unknown }).error !== undefined)).toBe(true);
    const argumentPieces = chunks.flatMap((chunk) => (chunk as { choices: Array<{ delta?: { tool_calls?: Array<{ function?: { arguments?: string } }> } }> }).choices.flatMap((choice) => choice.delta?.tool_calls ?? []));
    expect(argumentPieces.map((call) => call.function?.arguments ?? '').join('')).toBe('{"command":"echo hi"}');
  });
});
