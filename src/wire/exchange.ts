// One request/answer round trip shared by both wire protocols: send, map any failure to a
// ProviderError, and hand a good answer to the protocol's JSON or SSE reader.
import type { ChatRequest, ChatResponse, Endpoint } from '../types.js';
import { post, type HttpResponse } from './http.js';
import { mapHttpError } from './map-error.js';
import { requestHeaders } from './request-headers.js';
import { mapTransportError } from './transport-error.js';

export interface AnswerReaders {
  json(text: string, response: HttpResponse): ChatResponse;
  stream(response: HttpResponse): Promise<ChatResponse>;
}

export async function exchange(
  endpoint: Endpoint,
  request: ChatRequest,
  url: string,
  body: Record<string, unknown>,
  extraHeaders: Record<string, string>,
  readers: AnswerReaders,
  signal?: AbortSignal,
): Promise<ChatResponse> {
  let response: HttpResponse;
  try {
    response = await post(url, requestHeaders(endpoint, Boolean(request.stream), extraHeaders), body, endpoint.timeouts, signal);
  } catch (error) {
    throw mapTransportError(endpoint, error, 'request');
  }
  try {
    if (response.status < 200 || response.status >= 300) {
      const text = await response.body.text();
      throw mapHttpError(endpoint, response.status, response.headers, text, Date.now(), request.model);
    }
    if ((response.headers['content-type'] ?? '').includes('text/event-stream')) return await readers.stream(response);
    const answer = readers.json(await response.body.text(), response);
    // a server that ignored `stream` still owes the caller its text
    if (request.stream && request.onText && answer.text) request.onText(answer.text);
    return answer;
  } catch (error) {
    throw mapTransportError(endpoint, error, 'body');
  }
}

/** JSON.parse that says "undefined" instead of throwing, for cut-off bodies. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
