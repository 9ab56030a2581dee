// Routes whose candidates a private step can never use. Every candidate refused means a private step there
// is always blocked (a problem); some refused means private work quietly skips them (a warning), which is
// how Z.AI's plan went unused while every default skill is private (issue 12).
import type { Config, ResolvedModel, ResolvedProvider } from '../types.js';
import { candidateFacts, expandRefs } from '../router/index.js';
import { privacyFix, refusalText, refusedForPrivate, ruleSteps } from '../router/privacy-fix.js';
import type { Finding } from './finding.js';

export function privacyRouteFindings(config: Config): Finding[] {
  // only where private work happens: the default privacy, or what serve's clients count as
  const privateWork = config.defaults.privacy === 'private' || (config.serve.privacy ?? config.defaults.privacy) === 'private';
  if (!privateWork) return [];
  const findings: Finding[] = [];
  config.routes.forEach((rule, index) => {
    if (rule.when?.privacy === 'public') return;
    const reached = expandRefs(rule.use, config).map(({ ref }) => candidateFacts(config, ref));
    const refused = reached.filter(({ provider, model }) => refusedForPrivate(provider, model));
    if (refused.length === 0) return;
    const steps = ruleSteps(rule);
    const describe = (list: typeof refused) => list.map(({ provider, model }) => refusalText(provider, model)).join(', ');
    if (refused.length === reached.length) {
      findings.push({ level: 'problem', text: `every ${steps} candidate (routes[${index}]) is refused for private skills: ${describe(refused)}`, fix: fixesFor(config, refused, rule.use).join('; ') });
      return;
    }
    // a model that trains by its terms is skipped as intended; one whose terms are unknown is the surprise
    const unknown = refused.filter(({ model }) => model.trains_on_data !== true);
    if (unknown.length > 0) {
      findings.push({ level: 'warn', text: `private ${steps} steps (routes[${index}]) skip ${describe(unknown)}, and go to the next candidate`, fix: fixesFor(config, unknown, rule.use).join('; ') });
    }
  });
  return findings;
}

/** One fix per provider, so the YAML for a provider's models comes as one entry. */
export function fixesFor(config: Config, refused: Array<{ provider: ResolvedProvider; model: ResolvedModel }>, use: string[]): string[] {
  const byProvider = new Map<string, { provider: ResolvedProvider; models: ResolvedModel[] }>();
  for (const { provider, model } of refused) {
    const entry = byProvider.get(provider.name) ?? { provider, models: [] };
    entry.models.push(model);
    byProvider.set(provider.name, entry);
  }
  return [...byProvider.values()].map(({ provider, models }) => privacyFix(config, provider, models, use.includes(`${provider.name}/*`)));
}
