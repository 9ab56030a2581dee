// The one HTTP client of portai: undici over a keep-alive Agent per process. undici pools
// connections per origin, so every request to the same provider reuses warm sockets.
import { Agent, request } from 'undici';
import type { Timeouts } from '../types.js';

import { DEFAULT_TIMEOUTS } from './timeouts.js';

export { DEFAULT_TIMEOUTS };

// The connect timeout is an Agent setting in undici, not a request one: one Agent per distinct value
// (in practice one or two per process).
const agents = new Map<number, Agent>();

function agentFor(connectMs: number): Agent {
  let agent = agents.get(connectMs);
  if (!agent) {
    agent = new Agent({ connect: { timeout: connectMs }, keepAliveTimeout: 30_000 });
    agents.set(connectMs, agent);
  }
  return agent;
}

/** The body of a response still to be read: chunks as they arrive, or all of it as text. */
export interface ResponseBody extends AsyncIterable<Uint8Array> {
  text(): Promise<string>;
}

export interface HttpResponse {
  status: number;
  /** lower-case names; repeated headers joined with ", " */
  headers: Record<string, string>;
  body: ResponseBody;
}

export async function post(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  timeouts: Timeouts,
  signal?: AbortSignal,
): Promise<HttpResponse> {
  const response = await request(url, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    dispatcher: agentFor(timeouts.connect_ms),
    headersTimeout: timeouts.first_byte_ms,
    bodyTimeout: timeouts.idle_ms,
    signal,
  });
  return { status: response.statusCode, headers: flattenHeaders(response.headers), body: response.body };
}

export interface GetResult {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** the parsed body, or undefined when it is not JSON */
  json: unknown;
}

/** A small GET for catalog, key and quota endpoints; reads the whole body. */
export async function get(url: string, headers: Record<string, string>, timeouts: Timeouts = DEFAULT_TIMEOUTS, signal?: AbortSignal): Promise<GetResult> {
  const response = await request(url, {
    method: 'GET',
    headers,
    dispatcher: agentFor(timeouts.connect_ms),
    headersTimeout: timeouts.first_byte_ms,
    bodyTimeout: timeouts.idle_ms,
    signal,
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: flattenHeaders(response.headers), text, json: parseJsonOrUndefined(text) };
}

export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Closes the pooled sockets (for a clean process exit in long-lived commands and tests). */
export async function closeConnections(): Promise<void> {
  const closing = [...agents.values()].map((agent) => agent.close());
  agents.clear();
  await Promise.all(closing);
}
