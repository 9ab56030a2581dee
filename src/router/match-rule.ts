// First matching route rule wins; a rule without `when` matches every step.
import type { RouteRule, RouteWhen, StepTraits } from '../types.js';
import { matchesGlob } from './glob.js';

export function matchRule(routes: RouteRule[], traits: StepTraits): number | null {
  const index = routes.findIndex((rule) => ruleMatches(rule.when, traits));
  return index === -1 ? null : index;
}

function ruleMatches(when: RouteWhen | undefined, traits: StepTraits): boolean {
  if (!when) return true;
  if (when.effort !== undefined && when.effort !== traits.effort) return false;
  if (when.privacy !== undefined && when.privacy !== traits.privacy) return false;
  if (when.skill !== undefined && !matchesGlob(traits.skill, when.skill)) return false;
  if (when.tag !== undefined && !traits.tags.includes(when.tag)) return false;
  return true;
}

/** How the rule reads in a plan: `routes[1] when effort=high → zai/glm-4.7, opencode-go/kimi-k2.5`. */
export function ruleText(routes: RouteRule[], index: number): string {
  const rule = routes[index];
  const conditions = Object.entries(rule.when ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${String(value)}`);
  const when = conditions.length > 0 ? ` when ${conditions.join(' ')}` : ' (catch-all)';
  return `routes[${index}]${when} → ${rule.use.join(', ')}`;
}
