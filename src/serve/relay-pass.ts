// Same format on both sides: the upstream's answer goes to the client untouched, read on the way for usage,
// cost and errors. Streams are held back until the first real content, so an upstream that fails before
// saying anything can still fall back to the next candidate.
import { badResponse, mapBodyError } from '../wire/map-error.js';
import { readEvents } from '../wire/sse.js';
import { mergeUsage, usageOf } from '../wire/openai-fields.js';
import { startEventStream, writeOpenAIData } from './http-io.js';
import type { OpenAIChunk } from './formats.js';
import { readChatChunks } from './read-chat-upstream.js';
import { isRecord, parseJsonText, relayFailure, type RelayInput, type RelayUsage } from './relay-common.js';

/** includeUsage: the client asked for usage itself; otherwise the usage portai asked for is kept from it. */
export async function relayOpenAIPass(input: RelayInput & { includeUsage: boolean }): Promise<RelayUsage> {
  const { upstream, endpoint, response } = input;
  try {
    if (!input.stream) {
      const text = await upstream.body.text();
      const json = parseJsonText(text);
      if (!isRecord(json)) throw badResponse(endpoint, 'the upstream answer is not JSON', upstream.status, true);
      const choice = Array.isArray(json.choices) && isRecord(json.choices[0]) ? json.choices[0] : undefined;
      if (json.error !== undefined) throw mapBodyError(endpoint, json, upstream.headers, Date.now(), input.model);
      if (choice?.finish_reason === 'error') throw mapBodyError(endpoint, choice.error ?? { message: 'generation failed' }, upstream.headers, Date.now(), input.model);
      if (!choice) throw badResponse(endpoint, 'the upstream answer has no choices', upstream.status, true);
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
      return { ...usageOf(json.usage), served_model: typeof json.model === 'string' ? json.model : undefined };
    }
    const usage: RelayUsage = {};
    const held: string[] = [];
    const { served_model } = await readChatChunks(input, (chunk, data) => {
      mergeUsage(usage, chunk.usage);
      const forwarded = forClient(chunk, data, input.includeUsage);
      if (forwarded !== undefined) held.push(forwarded);
      const choice = chunk.choices?.[0];
      if (choice && hasContent(choice)) flush(input, held);
    });
    if (served_model !== undefined) usage.served_model = served_model;
    flush(input, held);
    writeOpenAIData(response, '[DONE]');
    response.end();
    return usage;
  } catch (caught) {
    throw relayFailure(input, caught);
  }
}

export async function relayAnthropicPass(input: RelayInput): Promise<RelayUsage> {
  const { upstream, endpoint, response } = input;
  try {
    if (!input.stream) {
      const text = await upstream.body.text();
      const json = parseJsonText(text);
      if (!isRecord(json)) throw badResponse(endpoint, 'the upstream answer is not JSON', upstream.status, true);
      if (json.type === 'error') throw mapBodyError(endpoint, json, upstream.headers, Date.now(), input.model);
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
      const reported = isRecord(json.usage) ? json.usage : {};
      return { input_tokens: numberOr(reported.input_tokens), output_tokens: numberOr(reported.output_tokens), served_model: typeof json.model === 'string' ? json.model : undefined };
    }
    const usage: RelayUsage = {};
    const held: string[] = [];
    const finished = await readEvents(upstream.body, (event) => {
      const data = parseJsonText(event.data);
      if (!isRecord(data)) return false;
      const type = event.event ?? String(data.type);
      if (type === 'error' || data.type === 'error') throw mapBodyError(endpoint, data, upstream.headers, Date.now(), input.model);
      if (type === 'message_start' && isRecord(data.message)) {
        const message = data.message;
        if (isRecord(message.usage)) usage.input_tokens = numberOr(message.usage.input_tokens);
        if (typeof message.model === 'string') usage.served_model = message.model;
      }
      if (type === 'message_delta' && isRecord(data.usage)) {
        usage.output_tokens = numberOr(data.usage.output_tokens) ?? usage.output_tokens;
        usage.input_tokens = numberOr(data.usage.input_tokens) ?? usage.input_tokens;
      }
      held.push(`event: ${type}\ndata: ${event.data}`);
      if (type === 'content_block_delta' || type === 'message_delta' || type === 'message_stop') flushRaw(input, held);
      return type === 'message_stop';
    });
    if (!finished) throw badResponse(endpoint, 'the upstream stream ended before message_stop', upstream.status, true);
    response.end();
    return usage;
  } catch (caught) {
    throw relayFailure(input, caught);
  }
}

/**
 * The chunk as the client should see it. portai always asks for usage (its ledger needs it); a client that did not
 * gets no usage-only final chunk and no usage field, as the upstream would have sent it.
 */
function forClient(chunk: OpenAIChunk, data: string, includeUsage: boolean): string | undefined {
  if (includeUsage || chunk.usage === undefined) return data;
  if (!Array.isArray(chunk.choices) || chunk.choices.length === 0) return undefined;
  const { usage: _usage, ...rest } = chunk;
  return JSON.stringify(rest);
}

function hasContent(choice: NonNullable<OpenAIChunk['choices']>[number]): boolean {
  if (typeof choice.finish_reason === 'string') return true;
  const delta = choice.delta ?? {};
  return Boolean(delta.content || delta.tool_calls || delta.reasoning || delta.reasoning_content);
}

function flush(input: RelayInput, held: string[]): void {
  if (!input.response.headersSent) startEventStream(input.response);
  for (const data of held.splice(0)) writeOpenAIData(input.response, data);
}

function flushRaw(input: RelayInput, held: string[]): void {
  if (!input.response.headersSent) startEventStream(input.response);
  for (const event of held.splice(0)) input.response.write(`${event}\n\n`);
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
