// `portai models sync [provider]`: fetch each catalog a preset names, store it, say what changed.
import type { Config, ResolvedProvider } from '../types.js';
import { BadInputError } from '../errors.js';
import { apiKeyOf } from '../config/index.js';
import type { Endpoint } from '../types.js';
import type { CatalogLedger, CatalogRow, SyncReport } from './types.js';
import { normaliseCatalog } from './normalise.js';
import { compareCatalog } from './compare.js';
import { configuredModels } from './configured.js';
import { fetchJson, isProviderError, openAiBase, statusEndpoint } from './fetch-json.js';

export interface SyncOptions {
  config: Config;
  ledger: CatalogLedger;
  env: Record<string, string | undefined>;
  /** just this provider entry */
  provider?: string;
  now_ms: number;
}

export async function syncCatalog(options: SyncOptions): Promise<SyncReport[]> {
  const providers = providersToSync(options.config, options.provider);
  // one provider failing must not stop the others: each report carries its own error
  return Promise.all(providers.map((provider) => syncOne(provider, options)));
}

/** Providers whose preset names a catalog; a named one that has none is a usage error. */
export function providersToSync(config: Config, name?: string): ResolvedProvider[] {
  const withCatalog = Object.values(config.providers).filter((provider) => provider.catalog && openAiBase(provider));
  if (name === undefined) return withCatalog;
  const provider = config.providers[name];
  if (!provider) {
    throw new BadInputError(`no provider named '${name}' in the config`, { hint: `use one of: ${Object.keys(config.providers).join(', ') || '(none configured)'}` });
  }
  if (!withCatalog.includes(provider)) {
    const names = withCatalog.map((entry) => entry.name).join(', ');
    throw new BadInputError(`provider '${name}' (preset ${provider.preset}) has no model catalog to sync`, { hint: names ? `sync one of: ${names}` : 'no configured provider has a catalog (presets name it with `catalog:`)' });
  }
  return [provider];
}

async function syncOne(provider: ResolvedProvider, options: SyncOptions): Promise<SyncReport> {
  const { ledger, env, now_ms } = options;
  const base = openAiBase(provider) as string;
  const apiKey = apiKeyOf(provider, env as NodeJS.ProcessEnv);
  const lastMs = ledger.lastSync(provider.name);
  const failed = (error: string, fix?: string): SyncReport => ({
    provider: provider.name, ok: false, error, fix, models: 0, synced_utc: null,
    previous_sync_utc: lastMs === undefined ? null : new Date(lastMs).toISOString(),
    gone: [], priced: [], expiring: [], new_free: [],
  });
  let rows: CatalogRow[] | undefined;
  try {
    rows = await fetchAllPages(statusEndpoint(provider, base, apiKey), `${base}${provider.catalog}`, now_ms);
  } catch (error) {
    if (!isProviderError(error)) throw error;
    if (error.kind === 'auth' && provider.api_key_env) {
      return failed(error.message, apiKey ? `put a current key in ${provider.api_key_env}` : `export ${provider.api_key_env}=… and sync again`);
    }
    return failed(error.message, error.hint ?? 'check the base URL and your network, then sync again');
  }
  if (!rows) return failed(`${provider.catalog} did not answer with a model list ({"data": [...]})`, `check base_url of provider ${provider.name}`);

  const previous = lastMs === undefined ? null : ledger.catalogOf(provider.name);
  const changes = compareCatalog({ models: configuredModels(options.config, provider), previous, current: rows, now_ms });
  ledger.saveCatalog(provider.name, rows, now_ms);
  return {
    provider: provider.name,
    ok: true,
    models: rows.length,
    synced_utc: new Date(now_ms).toISOString(),
    previous_sync_utc: lastMs === undefined ? null : new Date(lastMs).toISOString(),
    ...changes,
  };
}

/** Pages a catalog can span before portai gives up on `links.next` (OpenRouter sends all at once when unasked). */
const MAX_PAGES = 20;

/** The whole catalog, following OpenRouter's `links.next` on the same origin; undefined when a page is not a model list. */
async function fetchAllPages(endpoint: Endpoint, url: string, now_ms: number): Promise<CatalogRow[] | undefined> {
  const rows: CatalogRow[] = [];
  let next: string | undefined = url;
  for (let page = 0; next !== undefined && page < MAX_PAGES; page += 1) {
    const body = (await fetchJson(endpoint, next, now_ms)).json as { links?: { next?: unknown } } | undefined;
    const pageRows = normaliseCatalog(body);
    if (!pageRows) return undefined;
    rows.push(...pageRows);
    const link = body?.links?.next;
    // the key only ever goes to its own origin: a next link elsewhere is ignored
    const following: URL | undefined = typeof link === 'string' && link !== '' ? new URL(link, next) : undefined;
    next = following && following.origin === new URL(url).origin ? following.href : undefined;
  }
  return rows;
}
