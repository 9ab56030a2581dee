// Small helpers shared by the openai and anthropic answer builders.
import type { ServerResponse } from 'node:http';
import type { IncomingRequest, Reply } from './types.js';

/** The answer's text: the reply's text, its JSON, or the deterministic echo. */
export function answerText(request: IncomingRequest, reply: Reply): string {
  if (reply.text !== undefined) return reply.text;
  if (reply.json !== undefined) return JSON.stringify(reply.json);
  return `ok: ${request.lastUserText.slice(0, 40)}`;
}

/** Token counts: the reply's, else about four characters a token, as the router estimates. */
export function tokenCounts(request: IncomingRequest, reply: Reply, text: string): { input: number; output: number } {
  const messages = (request.body as { messages?: Array<{ content?: unknown }>; system?: unknown }) ?? {};
  let chars = typeof messages.system === 'string' ? messages.system.length : 0;
  for (const message of messages.messages ?? []) chars += typeof message.content === 'string' ? message.content.length : 0;
  return {
    input: reply.usage?.input_tokens ?? Math.max(1, Math.ceil(chars / 4)),
    output: reply.usage?.output_tokens ?? Math.max(1, Math.ceil(text.length / 4)),
  };
}

/** Deltas the way models send them: a word (with its trailing space) at a time. */
export function pieces(text: string): string[] {
  const words = text.match(/\S+\s*|\s+/g);
  return words && words.length > 0 ? words : [text];
}

/** A tool call's JSON arguments in the short, arbitrary cuts models stream them in. */
export function jsonPieces(json: string): string[] {
  const cuts: string[] = [];
  for (let at = 0; at < json.length; at += 7) cuts.push(json.slice(at, at + 7));
  return cuts.length > 0 ? cuts : [json];
}

export function startEventStream(response: ServerResponse, extraHeaders: Record<string, string> = {}): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...extraHeaders });
  response.flushHeaders();
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  response.end(text);
}

/** Half a JSON body, then a clean end: what a client sees when a proxy cuts an answer short. */
export function sendTruncatedJson(response: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(text.slice(0, Math.floor(text.length / 2)));
}

export const PROXY_502_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';
