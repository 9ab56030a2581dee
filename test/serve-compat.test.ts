// Details both SDKs and real agents rely on: models.retrieve, count_tokens refusing an unknown model, a stream the
// upstream finished but closed without [DONE], and the usage portai asks for kept from clients that did not.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SSE_HEADERS, sse, startHarness, type Harness } from './serve-helpers.js';

let harness: Harness;
let openai: OpenAI;
let anthropic: Anthropic;

beforeEach(async () => {
  harness = await startHarness();
  openai = new OpenAI({ baseURL: `${harness.server.url}/v1`, apiKey: harness.server.token, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: harness.server.url, apiKey: harness.server.token, maxRetries: 0 });
});
afterEach(async () => {
  await harness.close();
});

/** The tokens the ledger recorded for each attempt. */
function recordedTokens(): Array<{ status: string; input_tokens: number | null; output_tokens: number | null }> {
  const db = new Database(path.join(harness.home, 'ledger.db'), { readonly: true });
  try {
    return db.prepare('select status, input_tokens, output_tokens from attempts order by started_ms, rowid').all() as ReturnType<typeof recordedTokens>;
  } finally {
    db.close();
  }
}

const ask = [{ role: 'user' as const, content: 'hello' }];
const frame = { id: 'gen-1', object: 'chat.completion.chunk', created: 1, model: 'free/alpha:free' };
const answerChunks = [
  { ...frame, choices: [{ index: 0, delta: { role: 'assistant', content: 'whole ' }, finish_reason: null }] },
  { ...frame, choices: [{ index: 0, delta: { content: 'answer' }, finish_reason: null }] },
  { ...frame, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
  { ...frame, choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18, cost: 0 } },
];

describe('GET /v1/models/{id}', () => {
  it('both SDKs retrieve an alias and a Claude name a pattern catches', async () => {
    const free = await openai.models.retrieve('free');
    expect(free).toMatchObject({ id: 'free', object: 'model', owned_by: 'portai' });
    const sonnet = await anthropic.models.retrieve('claude-sonnet-4-20250514');
    expect(sonnet).toMatchObject({ id: 'claude-sonnet-4-20250514', type: 'model' });
    expect(sonnet.display_name).toContain('portai *sonnet*');
  });

  it('an unknown model is a 404 in each client’s own format', async () => {
    await expect(openai.models.retrieve('gpt-9')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const failure = await anthropic.models.retrieve('nothing-like-it').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.NotFoundError);
    expect((failure as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });
});

describe('count_tokens', () => {
  it('refuses an unknown model like /v1/messages does', async () => {
    const failure = await anthropic.messages.countTokens({ model: 'gpt-9', messages: ask }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.NotFoundError);
    expect(String((failure as Error).message)).toContain("model 'gpt-9' is not a portai route");
    expect((await anthropic.messages.countTokens({ model: 'free', messages: ask })).input_tokens).toBeGreaterThan(0);
  });
});

describe('a stream closed without [DONE]', () => {
  it('finished and usage reported: a success for the client and the ledger, with its tokens', async () => {
    harness.fake.enqueue({ status: 200, headers: SSE_HEADERS, body: sse(answerChunks, false) });
    const stream = await openai.chat.completions.create({ model: 'free', messages: ask, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('whole answer');
    expect(usage?.completion_tokens).toBe(7);
    expect(recordedTokens()).toEqual([{ status: 'ok', input_tokens: 11, output_tokens: 7 }]);
    expect(harness.fake.requests).toHaveLength(1);
  });

  it('the same through translation to an Anthropic client', async () => {
    harness.fake.enqueue({ status: 200, headers: SSE_HEADERS, body: sse(answerChunks, false) });
    const stream = anthropic.messages.stream({ model: 'free', max_tokens: 100, messages: ask });
    const message = await stream.finalMessage();
    expect(message.content).toMatchObject([{ type: 'text', text: 'whole answer' }]);
    expect(message.usage.output_tokens).toBe(7);
    expect(recordedTokens()).toEqual([{ status: 'ok', input_tokens: 11, output_tokens: 7 }]);
  });

  it('cut before the finish reason: still a failure, told to the client in-stream', async () => {
    harness.fake.enqueue({ status: 200, headers: SSE_HEADERS, body: sse(answerChunks.slice(0, 1), false) });
    const stream = await openai.chat.completions.create({ model: 'free', messages: ask, stream: true });
    let text = '';
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    })().catch((error: unknown) => error);
    // the first chunk had content, so the client was committed: it hears the failure in-stream
    expect(failure).toBeDefined();
    expect(harness.attempts()[0].status).toBe('error');
  });
});

describe('stream_options.include_usage added by portai', () => {
  async function rawStream(body: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
    const response = await fetch(`${harness.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${harness.server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'free', messages: ask, stream: true, ...body }),
    });
    const text = await response.text();
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    return text
      .split('\n')
      .filter((line) => line.startsWith('data: {'))
      .map((line) => JSON.parse(line.slice('data: '.length)) as Record<string, unknown>);
  }

  it('a client that did not ask gets no usage chunk and no usage field; the ledger still gets the tokens', async () => {
    const withUsageOnContent = answerChunks.map((chunk, index) => (index === 2 ? { ...chunk, usage: { prompt_tokens: 11, completion_tokens: 7 } } : chunk));
    harness.fake.enqueue({ status: 200, headers: SSE_HEADERS, body: sse(withUsageOnContent) });
    const chunks = await rawStream({});
    expect(harness.fake.requests[0].body).toMatchObject({ stream_options: { include_usage: true } });
    expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
    expect(chunks.every((chunk) => Array.isArray(chunk.choices) && chunk.choices.length > 0)).toBe(true);
    expect(chunks.map((chunk) => (chunk.choices as Array<{ delta: { content?: string } }>)[0].delta.content ?? '').join('')).toBe('whole answer');
    expect(recordedTokens()).toEqual([{ status: 'ok', input_tokens: 11, output_tokens: 7 }]);
  });

  it('a client that asked gets the usage chunk as the upstream sent it', async () => {
    harness.fake.enqueue({ status: 200, headers: SSE_HEADERS, body: sse(answerChunks) });
    const chunks = await rawStream({ stream_options: { include_usage: true } });
    expect(chunks[chunks.length - 1]).toMatchObject({ choices: [], usage: { completion_tokens: 7 } });
  });
});
