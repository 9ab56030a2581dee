// openai-chat SSE: join the content deltas, stop at [DONE], read usage (and OpenRouter's cost)
// from whichever chunk carries it, and treat an `error` chunk as the failure it is.
import type { ChatRequest, ChatResponse, Endpoint } from '../types.js';
import type { HttpResponse } from './http.js';
import { isObject } from './error-body.js';
import { badResponse, mapBodyError, originOf } from './map-error.js';
import { usageOf } from './openai-fields.js';
import { readEvents } from './sse.js';

export async function readOpenAiStream(endpoint: Endpoint, request: ChatRequest, response: HttpResponse): Promise<ChatResponse> {
  let text = '';
  let model = request.model;
  let finishReason: string | undefined;
  let usage: ReturnType<typeof usageOf> = {};
  const finished = await readEvents(response.body, (event) => {
    if (event.data.trim() === '[DONE]') return true;
    let chunk: unknown;
    try {
      chunk = JSON.parse(event.data);
    } catch {
      throw badResponse(endpoint, `a stream chunk from ${originOf(endpoint)} is not JSON`, response.status, true);
    }
    if (!isObject(chunk)) return false;
    if (chunk.error !== undefined) throw mapBodyError(endpoint, chunk, response.headers, Date.now(), request.model);
    if (typeof chunk.model === 'string') model = chunk.model;
    if (isObject(chunk.usage)) usage = usageOf(chunk.usage);
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!isObject(choice)) return false;
    if (choice.finish_reason === 'error') throw mapBodyError(endpoint, choice.error ?? { message: 'generation failed (finish_reason "error")' }, response.headers, Date.now(), request.model);
    if (typeof choice.finish_reason === 'string') finishReason = choice.finish_reason;
    const delta = isObject(choice.delta) ? choice.delta.content : undefined;
    if (typeof delta === 'string' && delta !== '') {
      text += delta;
      request.onText?.(delta);
    }
    return false;
  });
  if (!finished) throw badResponse(endpoint, `the stream from ${originOf(endpoint)} ended before [DONE]`, response.status, true);
  return { text, model, ...usage, finish_reason: finishReason, http_status: response.status };
}
