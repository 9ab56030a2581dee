// Reading requests and writing JSON, errors and server-sent events on node:http. No CORS headers, ever:
// browsers must not be able to read anything this server says.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redact } from '../redact.js';
import { ClientError, errorBody, type ClientFormat } from './client-error.js';

/** Larger than any real prompt with tool results, small enough that a runaway client cannot exhaust memory. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new ClientError(413, 'invalid_request_error', 'request body is larger than 32 MB');
      chunks.push(chunk as Buffer);
    }
  } catch (caught) {
    if (caught instanceof ClientError) throw caught;
    // the client went away or was cut off by the request timeout (connection-limits.ts): its problem, not a server fault
    throw new ClientError(408, 'invalid_request_error', 'the request body did not arrive in time');
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ClientError(400, 'invalid_request_error', 'the request body is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ClientError(400, 'invalid_request_error', 'the request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

export function sendError(response: ServerResponse, format: ClientFormat, error: ClientError): void {
  if (response.headersSent) {
    // mid-stream: the only way left to tell the client is an error event in its own format
    writeStreamError(response, format, error.type, error.message);
    response.end();
    return;
  }
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  // an upstream's error text may echo a key (another provider's too): the client never sees one
  const safe = new ClientError(error.status, error.type, redact(error.message), error.retryAfterSeconds);
  sendJson(response, error.status, errorBody(format, safe), headers);
}

export function startEventStream(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
}

export function writeAnthropicEvent(response: ServerResponse, event: { type: string }): void {
  response.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

export function writeOpenAIData(response: ServerResponse, data: string): void {
  response.write(`data: ${data}\n\n`);
}

export function writeStreamError(response: ServerResponse, format: ClientFormat, type: ClientError['type'], text: string): void {
  const message = redact(text);
  if (format === 'anthropic') writeAnthropicEvent(response, { type: 'error', error: { type, message } } as { type: string });
  else writeOpenAIData(response, JSON.stringify({ error: { message, type, code: type } }));
}

/** The client's name for the ledger, from its user agent: "claude-cli/2.0.8 (external, cli)" → "claude-cli". */
export function clientName(userAgent: string | undefined): string | null {
  if (!userAgent) return null;
  const first = userAgent.trim().split(/\s+/)[0] ?? '';
  const name = first.replace(/\/\d[\w.+-]*$/, '');
  return name.slice(0, 60) || null;
}
