// What routing sees of one proxied request, as of a skill step: the alias's effort, privacy and tag, the prompt
// size, and the output limit (the client's max_tokens, else the alias's cap).
import type { Config, ServeAlias, StepTraits } from '../types.js';
import { matchAlias, traitsFor } from './aliases.js';
import type { ClientFormat } from './client-error.js';
import { promptCharacters } from './estimate.js';
import { effortForThinking } from './translate-request.js';

/** surchargeUsd: what an allowed server-side feature (web search) adds to the request's worst case. */
export function requestTraits(config: Config, format: ClientFormat, body: Record<string, unknown>, surchargeUsd = 0): { traits: StepTraits; alias: ServeAlias } {
  const matched = matchAlias(config, typeof body.model === 'string' ? body.model : undefined);
  // an Anthropic thinking block of any budget means high effort; OpenAI clients say it with reasoning_effort
  const wantsThinking = format === 'anthropic' ? effortForThinking(body.thinking as never) !== undefined : body.reasoning_effort === 'high';
  const { effort, privacy, tags } = traitsFor(config, matched, wantsThinking);
  const maxTokens = [body.max_tokens, body.max_completion_tokens, matched.alias.max_tokens].find((value) => typeof value === 'number') as number | undefined;
  const traits: StepTraits = { skill: 'serve', step: matched.name, effort, privacy, tags, prompt_chars: promptCharacters(body), max_output_tokens: maxTokens };
  if (surchargeUsd > 0) traits.surcharge_usd = surchargeUsd;
  return { traits, alias: matched.alias };
}
