// What every relay (upstream answer → client) shares: the usage it learned, and how a failure is reported.
import type { ServerResponse } from 'node:http';
import type { Endpoint } from '../types.js';
import { ProviderError } from '../errors.js';
import type { HttpResponse } from '../wire/http.js';
import { mapTransportError } from '../wire/transport-error.js';
import type { ClientFormat, ClientErrorType } from './client-error.js';
import { writeStreamError } from './http-io.js';

export interface RelayUsage {
  input_tokens?: number;
  output_tokens?: number;
  cost_usd?: number;
  /** the model that served, as the upstream named it */
  served_model?: string;
}

export interface RelayInput {
  upstream: HttpResponse;
  endpoint: Endpoint;
  /** the upstream model id, for error mapping */
  model: string;
  response: ServerResponse;
  format: ClientFormat;
  stream: boolean;
  estimatedInputTokens: number;
}

/**
 * A failed upstream answer. committed: the client already received part of an answer, so there is no
 * falling back to another model; the relay has told the client in-stream and closed the response.
 */
export class RelayFailure extends Error {
  constructor(
    readonly error: ProviderError,
    readonly committed: boolean,
  ) {
    super(error.message);
    this.name = 'RelayFailure';
  }
}

/** Turns whatever went wrong while relaying into a RelayFailure, closing the client stream when it was committed. */
export function relayFailure(input: RelayInput, caught: unknown): RelayFailure {
  if (caught instanceof RelayFailure) return caught;
  const error = caught instanceof ProviderError ? caught : mapTransportError(input.endpoint, caught, 'body');
  const committed = input.response.headersSent;
  if (committed && !input.response.writableEnded) {
    writeStreamError(input.response, input.format, errorTypeFor(error), `upstream ${error.provider} failed mid-answer: ${error.message}`);
    input.response.end();
  }
  return new RelayFailure(error, committed);
}

export function errorTypeFor(error: ProviderError): ClientErrorType {
  switch (error.kind) {
    case 'rate_limited':
    case 'quota_exhausted':
      return 'rate_limit_error';
    case 'overloaded':
      return 'overloaded_error';
    case 'bad_request':
    case 'context_overflow':
      return 'invalid_request_error';
    default:
      return 'api_error';
  }
}

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
