// Reading an OpenAI-chat upstream's answer for a relay that translates it: the JSON body or the SSE chunks,
// with the provider's in-body errors (an `error` object, or finish_reason "error" on HTTP 200) mapped once here.
import { badResponse, mapBodyError } from '../wire/map-error.js';
import { readEvents } from '../wire/sse.js';
import type { OpenAIChunk, OpenAIResponse } from './formats.js';
import { isRecord, parseJsonText, type RelayInput } from './relay-common.js';

export async function readChatJson(input: RelayInput): Promise<OpenAIResponse> {
  const { upstream, endpoint } = input;
  const json = parseJsonText(await upstream.body.text());
  if (!isRecord(json)) throw badResponse(endpoint, 'the upstream answer is not JSON', upstream.status, true);
  throwBodyError(input, json);
  return json as unknown as OpenAIResponse;
}

/** Calls onChunk for each chunk (parsed, and its data line as sent); resolves with the served model once the stream is whole. */
export async function readChatChunks(input: RelayInput, onChunk: (chunk: OpenAIChunk, data: string) => void): Promise<{ served_model?: string }> {
  const { upstream, endpoint } = input;
  let servedModel: string | undefined;
  let finishSeen = false;
  let usageSeen = false;
  const finished = await readEvents(upstream.body, (event) => {
    const data = event.data.trim();
    if (data === '[DONE]') return true;
    const chunk = parseJsonText(data);
    if (!isRecord(chunk)) throw badResponse(endpoint, 'a stream chunk is not JSON', upstream.status, true);
    const choice = throwBodyError(input, chunk);
    if (typeof chunk.model === 'string') servedModel = chunk.model;
    if (typeof choice?.finish_reason === 'string') finishSeen = true;
    if (isRecord(chunk.usage)) usageSeen = true;
    onChunk(chunk as unknown as OpenAIChunk, data);
    return false;
  });
  // finished and usage reported, then closed without [DONE]: the answer is whole
  if (!finished && !(finishSeen && usageSeen)) throw badResponse(endpoint, 'the upstream stream ended before [DONE]', upstream.status, true);
  return { served_model: servedModel };
}

function throwBodyError(input: RelayInput, body: Record<string, unknown>): Record<string, unknown> | undefined {
  const { upstream, endpoint } = input;
  if (body.error !== undefined) throw mapBodyError(endpoint, body, upstream.headers, Date.now(), input.model);
  const choice = Array.isArray(body.choices) && isRecord(body.choices[0]) ? body.choices[0] : undefined;
  if (choice?.finish_reason === 'error') throw mapBodyError(endpoint, choice.error ?? { message: 'generation failed' }, upstream.headers, Date.now(), input.model);
  return choice;
}
