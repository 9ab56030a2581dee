// GET /v1/models and /v1/models/{id}: portai's route aliases and the Claude model names its patterns catch, with what a client needs
// to size its requests. One shape both SDKs read: OpenAI's {object, data[{id, object, created, owned_by}]} and
// Anthropic's {data[{id, type, display_name, created_at}], has_more, first_id, last_id}.
import type { Config, ServeAlias } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { plan as planStep, candidateFacts } from '../router/index.js';
import { providerWindows } from '../runner/endpoint.js';
import { globToRegExp, matchAlias } from './aliases.js';

/** The names Claude Code and the Anthropic SDK send; listed when a `serve.models` pattern catches them. */
export const CLAUDE_MODEL_NAMES = [
  'claude-opus-5-5',
  'claude-sonnet-5-5',
  'claude-haiku-5-5',
  'claude-fable-5-2',
  'claude-mythos-5-2',
  'claude-opus-4-8',
  'claude-sonnet-4-6',
  'claude-haiku-4-5',
];

export interface ListedModel {
  id: string;
  object: 'model';
  type: 'model';
  display_name: string;
  created: number;
  created_at: string;
  owned_by: 'portai';
  context_length: number | null;
  max_completion_tokens: number | null;
  /** USD per token, as strings like OpenRouter's catalog; "0" when every candidate is free or a subscription */
  pricing: { prompt: string; completion: string } | null;
}

export function modelList(config: Config, ledger: Ledger, env: Record<string, string | undefined>, now_ms: number) {
  const data: ListedModel[] = [];
  for (const [name, alias] of Object.entries(config.serve.models)) {
    const isPattern = /[*?]/.test(name);
    const ids = isPattern ? CLAUDE_MODEL_NAMES.filter((id) => globToRegExp(name).test(id) && !config.serve.models[id]) : [name];
    for (const id of ids) {
      if (data.some((listed) => listed.id === id)) continue;
      data.push(describe(id, name, alias, config, ledger, env, now_ms));
    }
  }
  return { object: 'list', data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
}

/** GET /v1/models/{id}: any name a route answers to (an alias, or a Claude name a pattern catches); else a 404. */
export function modelEntry(config: Config, ledger: Ledger, env: Record<string, string | undefined>, now_ms: number, id: string): ListedModel {
  const matched = matchAlias(config, id);
  return describe(id, matched.name, matched.alias, config, ledger, env, now_ms);
}

function describe(id: string, aliasName: string, alias: ServeAlias, config: Config, ledger: Ledger, env: Record<string, string | undefined>, now_ms: number): ListedModel {
  const traits = { skill: 'serve', step: aliasName, effort: alias.effort ?? 'low', privacy: alias.privacy ?? config.serve.privacy ?? config.defaults.privacy, tags: alias.tag ? [alias.tag] : [], prompt_chars: 0 } as const;
  const plan = planStep({ config, traits: { ...traits, tags: [...traits.tags] }, snapshot: ledger.usage(providerWindows(config, now_ms), now_ms, { oldestWhenRead: true }), blocks: ledger.activeBlocks(now_ms, null), env });
  const models = plan.candidates.map((candidate) => candidateFacts(config, candidate.ref).model);
  // the client may land on any candidate, so it must fit the smallest
  const smallest = (values: Array<number | undefined>) => {
    const known = values.filter((value): value is number => typeof value === 'number');
    return known.length ? Math.min(...known) : null;
  };
  const metered = models.filter((model) => model.billing === 'metered');
  let pricing: ListedModel['pricing'] = null;
  if (models.length > 0 && metered.length === 0) pricing = { prompt: '0', completion: '0' };
  else if (metered.length > 0 && metered.every((model) => model.price)) {
    const perToken = (value: number) => String(value / 1_000_000);
    pricing = { prompt: perToken(Math.max(...metered.map((model) => model.price!.input))), completion: perToken(Math.max(...metered.map((model) => model.price!.output))) };
  }
  const maxOutput = alias.max_tokens ?? smallest(models.map((model) => model.max_output));
  return {
    id,
    object: 'model',
    type: 'model',
    display_name: id === aliasName ? `portai ${aliasName}` : `${id} (portai ${aliasName})`,
    created: 0,
    created_at: new Date(0).toISOString(),
    owned_by: 'portai',
    context_length: smallest(models.map((model) => model.context)),
    max_completion_tokens: maxOutput,
    pricing,
  };
}
