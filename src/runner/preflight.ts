// What would stop a run as bad input, found before anything is sent: a step whose candidates all lack
// their key, and a calendar step whose target is unknown or lacks its credentials. The real run throws the
// first; a dry run reports it and exits as the real run would, so both name the same step (issue 12).
import type { ActionStep, Config, LlmStep, Skill, StepTraits } from '../types.js';
import { BadInputError } from '../errors.js';
import { apiKeyOf } from '../config/index.js';
import { expandRefs } from '../router/index.js';
import { chooseRoute } from '../router/named-refs.js';
import { renderTemplate } from '../skills/index.js';
// the target check alone: the calendar stores bring tsdav
import { targetSpec } from '../actions/calendar/target-spec.js';

export interface PreflightInput {
  config: Config;
  skill: Skill;
  /** inputs, now, today, env: what templates see before any step has run */
  context: Record<string, unknown>;
  env: Record<string, string | undefined>;
  use?: string;
  traitsOf: (step: LlmStep) => StepTraits;
}

/** The first step that cannot go ahead for want of a key or a calendar, in step order; null when none. */
export function preflight(input: PreflightInput): { step: string; error: BadInputError } | null {
  for (const [index, step] of input.skill.steps.entries()) {
    if (step.when !== undefined && !decidedToRun(step.when, input.context)) continue;
    const error = step.kind === 'llm' ? keyProblem(input, step) : calendarProblem(input, step, index);
    if (error) return { step: step.id, error };
  }
  return null;
}

/** DESIGN.md: a step left with no candidate only because keys are unset is bad input naming the variable. */
export function missingKeyError(config: Config, skill: Skill, stepId: string, providers: string[]): BadInputError {
  const variables = [...new Set(providers.map((name) => config.providers[name]?.api_key_env).filter((variable): variable is string => Boolean(variable)))];
  return new BadInputError(`step ${stepId} of ${skill.name}: no provider can be used because ${variables.join(', ')} ${variables.length > 1 ? 'are' : 'is'} not set (provider ${providers.join(', ')})`, {
    hint: `export ${variables[0]}=<your key>, or route the step to a provider whose key is set`,
  });
}

function keyProblem(input: PreflightInput, step: LlmStep): BadInputError | null {
  const route = chooseRoute(input.config, input.traitsOf(step), input.use);
  const providers = [...new Set(expandRefs(route.use, input.config).map((ref) => ref.provider))];
  if (providers.length === 0) return null;
  const keyed = providers.some((name) => {
    const provider = input.config.providers[name];
    return !provider.api_key_env || apiKeyOf(provider, input.env as NodeJS.ProcessEnv) !== undefined;
  });
  return keyed ? null : missingKeyError(input.config, input.skill, step.id, providers);
}

function calendarProblem(input: PreflightInput, step: ActionStep, index: number): BadInputError | null {
  if (step.action !== 'calendar') return null;
  const target = step.spec.target ?? 'default';
  let name: string;
  try {
    name = typeof target === 'string' ? renderTemplate(target, input.context, { file: input.skill.file, field: `steps[${index}].calendar.target` }) : String(target);
  } catch {
    return null; // the target needs an earlier step's output: the step itself checks it when it runs
  }
  try {
    targetSpec(name, { config: input.config, env: input.env });
    return null;
  } catch (error) {
    if (!(error instanceof BadInputError)) throw error;
    // a field under calendars: is in the config; calendar.target is the step's own
    const inConfig = error.place?.field?.startsWith('calendars.');
    return new BadInputError(`step ${step.id} of ${input.skill.name}: ${error.message}`, { place: inConfig ? { file: input.config.file ?? undefined, field: error.place?.field } : undefined, hint: error.hint });
  }
}

/** A `when:` that renders now and is not false; one that needs an earlier output is decided at run time. */
function decidedToRun(when: string, context: Record<string, unknown>): boolean {
  try {
    return !['', 'false', '0', 'no', 'null', 'undefined'].includes(renderTemplate(when, context, { file: '', field: 'when' }).trim().toLowerCase());
  } catch {
    return false;
  }
}
