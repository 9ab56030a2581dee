// What the privacy guard refuses for a private step, and the exact YAML that would change its mind. The
// YAML is spelled out because a preset's model has no line in the user's file to edit yet.
import type { Config, ResolvedModel, ResolvedProvider, RouteRule } from '../types.js';
import { configName } from './config-name.js';

/** The privacy guard's rule: unknown counts as "may train", except on OpenRouter (data_collection: deny). */
export function refusedForPrivate(provider: ResolvedProvider, model: ResolvedModel): boolean {
  if (model.trains_on_data === false) return false;
  return !(model.trains_on_data === undefined && provider.family === 'openrouter');
}

/** `zai/glm-4.7 trains_on_data is unknown` or `openrouter/x trains on prompts`. */
export function refusalText(provider: ResolvedProvider, model: ResolvedModel): string {
  const ref = `${provider.name}/${model.id}`;
  return model.trains_on_data === true ? `${ref} trains on prompts` : `${ref} trains_on_data is unknown`;
}

/**
 * The entry to add under providers.<name> for models whose training is unknown. Listing one model in the
 * config narrows `<name>/*` to the listed models, so when a route uses the wildcard every model it reached
 * is listed again, the unknown ones with trains_on_data: false.
 */
export function trainsOnDataYaml(provider: ResolvedProvider, unknownIds: string[], viaWildcard: boolean): string {
  const ids = viaWildcard ? [...new Set([...provider.wildcard, ...unknownIds])] : unknownIds;
  const entries = ids.map((id) => (unknownIds.includes(id) ? `{ id: ${id}, trains_on_data: false }` : `{ id: ${id} }`));
  return `providers: { ${provider.name}: { models: [${entries.join(', ')}] } }`;
}

/** One fix line for refused models of one provider, naming the config file and the YAML. */
export function privacyFix(config: Config, provider: ResolvedProvider, refused: ResolvedModel[], viaWildcard: boolean): string {
  const unknown = refused.filter((model) => model.trains_on_data !== true).map((model) => model.id);
  if (unknown.length === 0) return `${provider.name}'s ${refused.map((model) => model.id).join(', ')} train on prompts by their terms: route private steps to a model with trains_on_data: false, or mark the skill privacy: public`;
  return `if ${provider.name}'s terms say it does not train on prompts, add to ${configName(config)}: ${trainsOnDataYaml(provider, unknown, viaWildcard)} — else route private steps elsewhere or mark the skill privacy: public`;
}

/** `high-effort`, `background-tagged`, `catch-all`: how a rule's steps are named in a finding. */
export function ruleSteps(rule: RouteRule): string {
  const when = rule.when ?? {};
  const parts: string[] = [];
  if (when.effort) parts.push(`${when.effort}-effort`);
  if (when.tag) parts.push(`${when.tag}-tagged`);
  if (when.skill) parts.push(`skill ${when.skill}`);
  if (when.privacy) parts.push(when.privacy);
  return parts.length > 0 ? parts.join(' ') : 'catch-all';
}
