// The anthropic-messages wire: POST <base_url>/v1/messages, as Anthropic, Z.AI's
// /api/anthropic and OpenCode Go's MiniMax/Qwen models speak it.
import type { ChatRequest, ChatResponse, Endpoint, WireAdapter } from '../types.js';
import type { HttpResponse } from './http.js';
import { exchange, parseJson } from './exchange.js';
import { isObject } from './error-body.js';
import { anthropicLimits } from './map-anthropic-thinking.js';
import { badResponse, mapBodyError, originOf } from './map-error.js';
import { readAnthropicStream } from './anthropic-stream.js';

export const ANTHROPIC_VERSION = '2023-06-01';

export const anthropicMessages: WireAdapter = {
  protocol: 'anthropic-messages',
  send(endpoint, request, signal) {
    return exchange(
      endpoint,
      request,
      `${endpoint.base_url}/v1/messages`,
      anthropicBody(endpoint, request),
      { 'anthropic-version': ANTHROPIC_VERSION },
      {
        json: (text, response) => readAnthropicJson(endpoint, request, text, response),
        stream: (response) => readAnthropicStream(endpoint, request, response),
      },
      signal,
    );
  },
};

export function anthropicBody(endpoint: Endpoint, request: ChatRequest): Record<string, unknown> {
  const system = request.messages.filter((message) => message.role === 'system').map((message) => message.content);
  const limits = anthropicLimits(request, endpoint.family);
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: limits.max_tokens,
    messages: request.messages.filter((message) => message.role !== 'system').map((message) => ({ role: message.role, content: message.content })),
  };
  if (system.length > 0) body.system = system.join('\n\n');
  if (limits.thinking) body.thinking = limits.thinking;
  if (request.stream) body.stream = true;
  return body;
}

function readAnthropicJson(endpoint: Endpoint, request: ChatRequest, text: string, response: HttpResponse): ChatResponse {
  const body = parseJson(text);
  if (!isObject(body)) throw badResponse(endpoint, `the answer from ${originOf(endpoint)} is not complete JSON (${text.length} bytes)`, response.status, true);
  if (body.type === 'error' || body.error !== undefined) throw mapBodyError(endpoint, body, response.headers, Date.now(), request.model);
  if (!Array.isArray(body.content)) throw badResponse(endpoint, `the answer from ${originOf(endpoint)} has no content`, response.status, true);
  // thinking blocks are the model's scratch work, not output
  const output = body.content.map((block) => (isObject(block) && block.type === 'text' && typeof block.text === 'string' ? block.text : '')).join('');
  const usage = isObject(body.usage) ? body.usage : {};
  return {
    text: output,
    model: typeof body.model === 'string' ? body.model : request.model,
    input_tokens: typeof usage.input_tokens === 'number' ? usage.input_tokens : undefined,
    output_tokens: typeof usage.output_tokens === 'number' ? usage.output_tokens : undefined,
    finish_reason: typeof body.stop_reason === 'string' ? body.stop_reason : undefined,
    http_status: response.status,
  };
}
