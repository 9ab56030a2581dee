// A GET to a provider with its own key, for catalog, key and quota endpoints. Failures come back as
// the wire layer's ProviderError, classified by its one map-error, so messages read like run errors.
import type { Endpoint, ResolvedProvider, Timeouts } from '../types.js';
import { ProviderError } from '../errors.js';
import { get, mapHttpError, mapTransportError, requestHeaders } from '../wire/index.js';

/** Catalog and status calls are small: waiting two minutes for one (the chat default) helps nobody. */
export const STATUS_TIMEOUTS: Timeouts = { connect_ms: 5_000, first_byte_ms: 20_000, idle_ms: 20_000 };

export interface FetchedJson {
  status: number;
  json: unknown;
  text: string;
}

/** The base URL a provider's catalog and /models hang under: the openai-chat one if it has it. */
export function openAiBase(provider: ResolvedProvider): string | undefined {
  const base = provider.base_urls['openai-chat'] ?? provider.base_urls[provider.wire];
  return base?.replace(/\/+$/, '');
}

export function statusEndpoint(provider: ResolvedProvider, baseUrl: string, apiKey: string | undefined): Endpoint {
  return {
    provider: provider.name,
    family: provider.family,
    base_url: baseUrl,
    api_key: apiKey,
    auth: provider.auth,
    headers: provider.headers,
    errors: provider.errors,
    timeouts: STATUS_TIMEOUTS,
  };
}

/** Resolves with a 2xx answer; throws ProviderError for anything else (HTTP error, refused, timeout). */
export async function fetchJson(endpoint: Endpoint, url: string, now_ms: number): Promise<FetchedJson> {
  let answer;
  try {
    answer = await get(url, requestHeaders(endpoint, false), endpoint.timeouts);
  } catch (error) {
    throw mapTransportError(endpoint, error, 'request');
  }
  if (answer.status < 200 || answer.status > 299) throw mapHttpError(endpoint, answer.status, answer.headers, answer.text, now_ms);
  return { status: answer.status, json: answer.json, text: answer.text };
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}
