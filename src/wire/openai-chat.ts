// The openai-chat wire: POST <base_url>/chat/completions, as OpenAI, OpenRouter, Z.AI, OpenCode
// and Ollama speak it. Family quirks come from the small map-* files.
import type { ChatRequest, ChatResponse, Endpoint, WireAdapter } from '../types.js';
import type { HttpResponse } from './http.js';
import { exchange, parseJson } from './exchange.js';
import { isObject } from './error-body.js';
import { badResponse, mapBodyError, originOf } from './map-error.js';
import { openrouterExtras } from './map-openrouter.js';
import { zaiExtras } from './map-zai.js';
import { contentText, usageOf } from './openai-fields.js';
import { readOpenAiStream } from './openai-stream.js';

export const openAiChat: WireAdapter = {
  protocol: 'openai-chat',
  send(endpoint, request, signal) {
    return exchange(
      endpoint,
      request,
      `${endpoint.base_url}/chat/completions`,
      openAiBody(endpoint, request),
      {},
      {
        json: (text, response) => readOpenAiJson(endpoint, request, text, response),
        stream: (response) => readOpenAiStream(endpoint, request, response),
      },
      signal,
    );
  },
};

export function openAiBody(endpoint: Endpoint, request: ChatRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
    stream: Boolean(request.stream),
  };
  if (request.max_output_tokens !== undefined) body.max_tokens = request.max_output_tokens;
  if (request.json) body.response_format = { type: 'json_object' };
  if (request.stream) body.stream_options = { include_usage: true };
  if (endpoint.family === 'openrouter') Object.assign(body, openrouterExtras(request));
  if (endpoint.family === 'zai') Object.assign(body, zaiExtras(request));
  return body;
}

function readOpenAiJson(endpoint: Endpoint, request: ChatRequest, text: string, response: HttpResponse): ChatResponse {
  const body = parseJson(text);
  if (!isObject(body)) throw badResponse(endpoint, `the answer from ${originOf(endpoint)} is not complete JSON (${text.length} bytes)`, response.status, true);
  if (body.error !== undefined) throw mapBodyError(endpoint, body, response.headers, Date.now(), request.model);
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
  if (!isObject(choice)) throw badResponse(endpoint, `the answer from ${originOf(endpoint)} has no choices`, response.status, true);
  if (choice.error !== undefined || choice.finish_reason === 'error') {
    throw mapBodyError(endpoint, choice.error ?? { message: 'generation failed (finish_reason "error")' }, response.headers, Date.now(), request.model);
  }
  const message = isObject(choice.message) ? choice.message : {};
  return {
    text: contentText(message.content),
    model: typeof body.model === 'string' ? body.model : request.model,
    ...usageOf(body.usage),
    finish_reason: typeof choice.finish_reason === 'string' ? choice.finish_reason : undefined,
    http_status: response.status,
  };
}
