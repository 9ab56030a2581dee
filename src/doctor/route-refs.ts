// Every model a route can reach, with its facts, once, in route order.
import type { Config, ResolvedModel, ResolvedProvider } from '../types.js';
import { candidateFacts, expandRefs } from '../router/index.js';

export interface RoutedModel {
  ref: string;
  rule: number;
  provider: ResolvedProvider;
  model: ResolvedModel;
}

export function routedModels(config: Config, rules: number[] = config.routes.map((_rule, index) => index)): RoutedModel[] {
  const seen = new Set<string>();
  const routed: RoutedModel[] = [];
  for (const rule of rules) {
    for (const { ref } of expandRefs(config.routes[rule].use, config)) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      routed.push({ ref, rule, ...candidateFacts(config, ref) });
    }
  }
  return routed;
}
