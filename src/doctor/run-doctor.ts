// `portai doctor`: keys, endpoints, the providers' own account views, risky config, skills, catalog.
// Network checks of all providers run at once; each one fails into a finding, never a crash.
import type { Config, ResolvedProvider } from '../types.js';
import { apiKeyOf } from '../config/index.js';
import type { CatalogLedger } from '../catalog/types.js';
import type { Finding } from './finding.js';
import { endpointFinding, keyFinding } from './check-endpoint.js';
import { openRouterKeyFindings } from './check-openrouter-key.js';
import { zaiQuotaFindings } from './check-zai-quota.js';
import { configFindings } from './check-config.js';
import { catalogFindings } from './check-catalog.js';
import { skillFindings } from './check-skills.js';
import { privacyRouteFindings } from './check-privacy.js';
import { routeKeyFindings } from './check-route-keys.js';
import { calendarFindings } from './check-calendars.js';

export interface DoctorOptions {
  config: Config;
  ledger: CatalogLedger;
  env: Record<string, string | undefined>;
  now_ms: number;
}

export async function runDoctor(options: DoctorOptions): Promise<Finding[]> {
  const { config, ledger, env, now_ms } = options;
  const providers = Object.values(config.providers).sort((a, b) => a.name.localeCompare(b.name));
  const perProvider = await Promise.all(providers.map((provider) => providerFindings(provider, env, now_ms)));
  const findings: Finding[] = perProvider.flat();
  if (providers.length === 0) findings.push({ level: 'problem', text: 'no provider is configured', fix: 'set OPENROUTER_API_KEY for the built-in default, or run `portai init` and edit portai.yaml' });
  // a caveat about a provider without its key (a plan the user does not have) is noise
  const unused = new Set(perProvider.flat().filter((finding) => finding.level === 'info' && finding.provider).map((finding) => finding.provider));
  const risky = configFindings(config).filter((finding) => !(finding.advisory && finding.provider && unused.has(finding.provider)));
  findings.push(...risky, ...routeKeyFindings(config, env), ...privacyRouteFindings(config), ...catalogFindings(config, ledger, now_ms), ...skillFindings(config), ...calendarFindings(config, env));
  return findings;
}

async function providerFindings(provider: ResolvedProvider, env: Record<string, string | undefined>, now_ms: number): Promise<Finding[]> {
  const apiKey = apiKeyOf(provider, env as NodeJS.ProcessEnv);
  const key = keyFinding(provider, apiKey);
  // without its key a provider cannot be asked anything useful; the missing key is the finding
  if (key.level !== 'ok') return [key];
  const endpoint = await endpointFinding(provider, apiKey, now_ms);
  if (endpoint.level !== 'ok') return [key, endpoint];
  const extra: Finding[] = [];
  if (provider.family === 'openrouter' && apiKey) extra.push(...(await openRouterKeyFindings(provider, apiKey, now_ms)));
  if (provider.quota_url && apiKey) extra.push(...(await zaiQuotaFindings(provider, apiKey, now_ms)));
  return [key, endpoint, ...extra];
}
