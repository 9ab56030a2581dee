// Is the key set, and does the endpoint answer at all? A cheap GET (catalog or /models) tells a
// wrong base URL or a dead network apart from a working provider without spending a request.
import type { ResolvedProvider } from '../types.js';
import { fetchJson, isProviderError, openAiBase, statusEndpoint } from '../catalog/fetch-json.js';
import type { Finding } from './finding.js';

export function keyFinding(provider: ResolvedProvider, apiKey: string | undefined): Finding {
  if (!provider.api_key_env) return { level: 'ok', provider: provider.name, text: 'no key needed' };
  if (apiKey) return { level: 'ok', provider: provider.name, text: `key ${provider.api_key_env} is set` };
  // information, not a problem: a starter config lists plans the user may not have; a route left with no
  // keyed candidate at all is the problem (check-route-keys.ts)
  return {
    level: 'info',
    provider: provider.name,
    text: `key ${provider.api_key_env} is not set: every model of this provider is skipped`,
    fix: `export ${provider.api_key_env}=… to use it (or remove the provider from your config)`,
  };
}

/** The URL probed: the catalog (one entry of OpenRouter's), else /models under the openai-chat base, else Anthropic's /v1/models. */
export function probeUrl(provider: ResolvedProvider): string | undefined {
  const openAi = openAiBase(provider);
  // OpenRouter's full catalog is megabytes; one entry proves the endpoint answers just as well
  if (openAi && provider.family === 'openrouter') return `${openAi}/models?limit=1`;
  if (openAi) return `${openAi}${provider.catalog ?? '/models'}`;
  const anthropic = provider.base_urls['anthropic-messages']?.replace(/\/+$/, '');
  return anthropic ? `${anthropic}/v1/models` : undefined;
}

export async function endpointFinding(provider: ResolvedProvider, apiKey: string | undefined, now_ms: number): Promise<Finding> {
  const url = probeUrl(provider);
  if (!url) return { level: 'problem', provider: provider.name, text: 'no base URL', fix: `give provider ${provider.name} a base_url in your config` };
  const origin = new URL(url).origin;
  try {
    await fetchJson(statusEndpoint(provider, url, apiKey), url, now_ms);
    return { level: 'ok', provider: provider.name, text: `endpoint ${origin} answers` };
  } catch (error) {
    if (!isProviderError(error)) throw error;
    if (error.kind === 'network' || error.kind === 'timeout') {
      return { level: 'problem', provider: provider.name, text: error.message, fix: `check base_url of provider ${provider.name} and your network` };
    }
    if (error.kind === 'auth') {
      return { level: 'problem', provider: provider.name, text: `${origin} rejects the key (HTTP ${error.status}): ${error.message}`, fix: `put a current key in ${provider.api_key_env ?? 'the key variable'}` };
    }
    // any other HTTP answer (a 404 for a missing /models, say) still proves the endpoint is there
    return { level: 'ok', provider: provider.name, text: `endpoint ${origin} answers (HTTP ${error.status ?? '?'} on ${new URL(url).pathname})` };
  }
}
