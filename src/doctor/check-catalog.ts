// A catalog never synced, or synced long ago, cannot warn about vanished or re-priced models; a
// synced one may already say that a routed model is gone or no longer free.
import type { Config } from '../types.js';
import type { CatalogLedger } from '../catalog/types.js';
import { catalogStatus } from '../catalog/status.js';
import { configName } from '../router/config-name.js';
import type { Finding } from './finding.js';
import { routedModels } from './route-refs.js';

const DAY_MS = 86_400_000;
export const STALE_CATALOG_DAYS = 7;

export function catalogFindings(config: Config, ledger: CatalogLedger, now_ms: number): Finding[] {
  const findings: Finding[] = [];
  for (const provider of Object.values(config.providers)) {
    if (!provider.catalog) continue;
    const synced = ledger.lastSync(provider.name);
    const fix = `portai models sync ${provider.name}`;
    if (synced === undefined) {
      // a newcomer's first doctor: worth a hint, not a failing exit status
      findings.push({ level: 'info', provider: provider.name, text: 'model catalog never synced: portai cannot tell when a configured model vanishes or turns paid', fix });
      continue;
    }
    const days = Math.floor((now_ms - synced) / DAY_MS);
    const when = new Date(synced).toISOString().slice(0, 10);
    if (days > STALE_CATALOG_DAYS) findings.push({ level: 'warn', provider: provider.name, text: `model catalog last synced ${days} days ago (${when})`, fix });
    else findings.push({ level: 'ok', provider: provider.name, text: `model catalog synced ${when}` });
  }
  const routed = new Set(routedModels(config).map((entry) => entry.ref));
  for (const status of catalogStatus(config, ledger, now_ms)) {
    const ref = `${status.provider}/${status.model}`;
    if (!routed.has(ref) || !(status.gone || status.priced)) continue;
    const when = new Date(status.synced_ms).toISOString().slice(0, 10);
    const what = status.gone ? `is gone from the catalog (sync of ${when})` : `is no longer free (sync of ${when})`;
    findings.push({ level: 'warn', provider: status.provider, text: `${ref} ${what}: runs skip it`, fix: `remove ${status.model} from ${configName(config)}, or sync again if it is back` });
  }
  return findings;
}
