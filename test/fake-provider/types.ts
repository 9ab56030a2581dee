// The scripting vocabulary of the fake provider.

export interface RecordedRequest {
  method: string;
  /** path and query, e.g. /api/v1/chat/completions */
  path: string;
  /** lower-case names */
  headers: Record<string, string>;
  /** parsed JSON, or the raw text when it is not JSON */
  body: unknown;
  at_ms: number;
}

/** A request the fake is about to answer, with the facts a responder usually wants. */
export interface IncomingRequest extends RecordedRequest {
  protocol: 'openai-chat' | 'anthropic-messages';
  model: string;
  stream: boolean;
  /** the text of the last user message */
  lastUserText: string;
}

/**
 * How to answer one request. Exactly one of the shapes applies, checked in this order:
 * hang, fixture, status (raw), html, truncate, midStreamError, toolCall, json, text (default: the echo).
 */
export interface Reply {
  /** enqueue only: this reply is for requests to this model */
  model?: string;
  text?: string;
  /** answer with one call of this client-side tool (OpenAI `tool_calls`, Anthropic `tool_use`) instead of text */
  toolCall?: { name: string; arguments: Record<string, unknown> };
  /** the answer's content is this value as JSON text */
  json?: unknown;
  /** Anthropic: a thinking block placed before the text (never part of the output) */
  thinking?: string;
  usage?: { input_tokens?: number; output_tokens?: number };
  /** OpenRouter-style usage.cost, USD (default 0) */
  cost?: number;
  /** the model the answer says served it (default: the one asked for) */
  served_model?: string;
  finish_reason?: string;
  /** wait this long before answering */
  delay_ms?: number;
  /** a recorded real error: test/fixtures/errors/<name>.json */
  fixture?: string;
  status?: number;
  headers?: Record<string, string>;
  /** with status: an object is sent as JSON, a string as is */
  body?: unknown;
  /** never answer (for timeouts) */
  hang?: boolean;
  /** cut the body (or the stream) in the middle */
  truncate?: boolean;
  /** a proxy's HTML 502 page */
  html?: boolean;
  /** fail after a few deltas: an SSE error chunk / event, or a 200 with finish_reason "error" */
  midStreamError?: boolean;
}

export type Responder = (request: IncomingRequest) => Reply | undefined;

export interface Fixture {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}
