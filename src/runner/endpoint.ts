// Small bridges between the resolved config and the wire and ledger layers.
import type { Config, Endpoint, ResolvedModel, ResolvedProvider } from '../types.js';
import type { ProviderWindows } from '../ledger/index.js';
// the constant alone: loading the wire layer (undici) is left to the commands that send requests
import { DEFAULT_TIMEOUTS } from '../wire/timeouts.js';
import { rollingMarginMs } from '../router/rolling-margin.js';
import { windowSince } from '../router/window-span.js';

/** Where one model of a provider entry is reached. A key is only ever paired with its own provider's base URL. */
export function endpointFor(provider: ResolvedProvider, model: ResolvedModel, apiKey: string | undefined): Endpoint {
  const baseUrl = provider.base_urls[model.wire];
  if (!baseUrl) throw new Error(`provider ${provider.name} has no base URL for ${model.wire}`);
  return {
    provider: provider.name,
    family: provider.family,
    base_url: baseUrl.replace(/\/+$/, ''),
    api_key: apiKey,
    auth: provider.auth,
    headers: provider.headers,
    errors: provider.errors,
    timeouts: DEFAULT_TIMEOUTS,
  };
}

/** What the ledger must count for each provider entry at this instant: each window's span and, for a per-model cap, its models. */
export function providerWindows(config: Config, now_ms: number): ProviderWindows[] {
  return Object.values(config.providers).map((provider) => {
    const margin_ms = rollingMarginMs(provider.limits);
    return {
      name: provider.name,
      windows: (provider.limits.windows ?? []).map((window) => ({
        since_ms: windowSince(window, now_ms, margin_ms),
        ...(window.hours !== undefined && !window.calendar ? { hours: window.hours } : {}),
        ...(window.models ? { models: window.models } : {}),
      })),
      margin_ms,
    };
  });
}

/** Cost at the model's list price, USD; null when the price is unknown. */
export function listPriceUsd(model: ResolvedModel, inputTokens: number, outputTokens: number): number | null {
  if (!model.price) return null;
  return (inputTokens * model.price.input + outputTokens * model.price.output) / 1_000_000;
}
