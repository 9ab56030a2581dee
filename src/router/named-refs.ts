// Which route entries chose the step's candidates: the matched rule's `use`, or the single `--use` ref.
import type { Config, StepTraits } from '../types.js';
import { BadInputError } from '../errors.js';
import { matchRule, ruleText } from './match-rule.js';
import { candidateFacts } from './expand-refs.js';
import { configName } from './config-name.js';

export interface ChosenRoute {
  rule: number | null;
  rule_text: string;
  use: string[];
}

export function chooseRoute(config: Config, traits: StepTraits, use?: string): ChosenRoute {
  if (use !== undefined) {
    const { provider, model } = candidateFacts(config, use); // throws BadInputError for an unknown ref
    return { rule: null, rule_text: '--use', use: [`${provider.name}/${model.id}`] };
  }
  const rule = matchRule(config.routes, traits);
  if (rule === null) {
    throw new BadInputError(`no route matches step ${traits.step} of skill ${traits.skill} (effort ${traits.effort}, privacy ${traits.privacy})`, {
      place: { file: config.file ?? undefined, field: 'routes' },
      hint: `add a last rule without \`when\` to ${configName(config)}, e.g. \`- use: [openrouter/*]\``,
    });
  }
  return { rule, rule_text: ruleText(config.routes, rule), use: config.routes[rule].use };
}
