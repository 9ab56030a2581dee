// anthropic-messages SSE: message_start (model, input usage), content_block_* (text_delta is output,
// thinking_delta is not), message_delta (stop_reason, output usage), message_stop (the end),
// ping (keep-alive) and error (a failure after the 200).
import type { ChatRequest, ChatResponse, Endpoint } from '../types.js';
import type { HttpResponse } from './http.js';
import { isObject } from './error-body.js';
import { badResponse, mapBodyError, originOf } from './map-error.js';
import { readEvents } from './sse.js';

export async function readAnthropicStream(endpoint: Endpoint, request: ChatRequest, response: HttpResponse): Promise<ChatResponse> {
  const answer: ChatResponse = { text: '', model: request.model, http_status: response.status };
  const append = (text: unknown) => {
    if (typeof text !== 'string' || text === '') return;
    answer.text += text;
    request.onText?.(text);
  };
  const finished = await readEvents(response.body, (event) => {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      throw badResponse(endpoint, `a stream event from ${originOf(endpoint)} is not JSON`, response.status, true);
    }
    if (!isObject(data)) return false;
    const type = event.event ?? data.type;
    if (type === 'error' || data.type === 'error') throw mapBodyError(endpoint, data, response.headers, Date.now(), request.model);
    if (type === 'message_stop') return true;
    if (type === 'message_start' && isObject(data.message)) {
      if (typeof data.message.model === 'string') answer.model = data.message.model;
      readUsage(answer, data.message.usage);
    } else if (type === 'content_block_start' && isObject(data.content_block) && data.content_block.type === 'text') {
      append(data.content_block.text);
    } else if (type === 'content_block_delta' && isObject(data.delta) && data.delta.type === 'text_delta') {
      append(data.delta.text);
    } else if (type === 'message_delta') {
      if (isObject(data.delta) && typeof data.delta.stop_reason === 'string') answer.finish_reason = data.delta.stop_reason;
      readUsage(answer, data.usage);
    }
    return false;
  });
  if (!finished) throw badResponse(endpoint, `the stream from ${originOf(endpoint)} ended before message_stop`, response.status, true);
  return answer;
}

function readUsage(answer: ChatResponse, usage: unknown): void {
  if (!isObject(usage)) return;
  if (typeof usage.input_tokens === 'number') answer.input_tokens = usage.input_tokens;
  if (typeof usage.output_tokens === 'number') answer.output_tokens = usage.output_tokens;
}
