// Model names are routes: the client's `model` picks an alias of `serve.models`, which says what routing sees.
// Exact names first, then glob patterns in the order written; an unknown name is refused, never defaulted.
import type { Config, Effort, Privacy, ServeAlias } from '../types.js';
import { ClientError } from './client-error.js';

export interface MatchedAlias {
  /** the key of serve.models that matched */
  name: string;
  alias: ServeAlias;
}

export function globToRegExp(pattern: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i');
}

const isPattern = (key: string) => /[*?]/.test(key);

export function matchAlias(config: Config, model: string | undefined): MatchedAlias {
  const aliases = config.serve.models;
  const names = Object.keys(aliases);
  if (names.length === 0) {
    throw new ClientError(404, 'not_found_error', 'portai serve has no model aliases: add a `serve: { models: { free: { effort: low } } }` block to your config');
  }
  if (typeof model !== 'string' || model.length === 0) {
    throw new ClientError(400, 'invalid_request_error', `the request names no model; use one of: ${names.join(', ')}`);
  }
  if (Object.hasOwn(aliases, model) && !isPattern(model)) return { name: model, alias: aliases[model] };
  for (const name of names) {
    if (isPattern(name) && globToRegExp(name).test(model)) return { name, alias: aliases[name] };
  }
  throw new ClientError(
    404,
    'not_found_error',
    `model '${model}' is not a portai route; use one of: ${names.join(', ')} (serve.models in ${config.file ?? 'the built-in config'})`,
  );
}

export interface RequestTraits {
  effort: Effort;
  privacy: Privacy;
  tags: string[];
}

/** What routing sees: the alias's effort (a client asking for thinking means high), privacy, tag. */
export function traitsFor(config: Config, matched: MatchedAlias, wantsThinking: boolean): RequestTraits {
  const effort: Effort = wantsThinking ? 'high' : (matched.alias.effort ?? 'low');
  const privacy = matched.alias.privacy ?? config.serve.privacy ?? config.defaults.privacy;
  return { effort, privacy, tags: matched.alias.tag ? [matched.alias.tag] : [] };
}
