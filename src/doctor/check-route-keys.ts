// A route none of whose candidates has its key set: a step routed there exits 2 ("key not set"). This,
// not a provider without a key, is the problem; a starter config may list plans the user does not have.
import type { Config } from '../types.js';
import { apiKeyOf } from '../config/index.js';
import { candidateFacts, expandRefs } from '../router/index.js';
import { ruleSteps } from '../router/privacy-fix.js';
import { configName } from '../router/config-name.js';
import type { Finding } from './finding.js';

export function routeKeyFindings(config: Config, env: Record<string, string | undefined>): Finding[] {
  const findings: Finding[] = [];
  config.routes.forEach((rule, index) => {
    const providers = expandRefs(rule.use, config).map(({ ref }) => candidateFacts(config, ref).provider);
    if (providers.length === 0 || providers.some((provider) => apiKeyOf(provider, env as NodeJS.ProcessEnv) !== undefined || !provider.api_key_env)) return;
    const variables = [...new Set(providers.map((provider) => provider.api_key_env as string))];
    findings.push({
      level: 'problem',
      text: `no ${ruleSteps(rule)} candidate (routes[${index}]) has its key set (${variables.join(', ')}): a step routed there stops with exit 2`,
      fix: `export ${variables[0]}=…, or add a provider whose key is set to routes[${index}] in ${configName(config)}`,
    });
  });
  return findings;
}
