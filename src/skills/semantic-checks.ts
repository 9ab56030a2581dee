// Checks the schema cannot express: one kind per step, unique step ids, step schemas that compile,
// input names that do not hide the built-ins, schedule inputs that exist. Each error points at its line.
import { BadInputError } from '../errors.js';
import { compileSchema } from '../schema-validators.js';
import { fieldName } from '../load-yaml.js';
import type { PlaceOf } from './static-check.js';
import { ACTIONS, LLM_ONLY_FIELDS, type RawSkill } from './raw-skill.js';
import { isUnsafeName } from './unsafe-names.js';

const RESERVED_INPUTS = new Set(['now', 'today', 'env', 'steps']);

export function semanticChecks(file: string, raw: RawSkill, placeOf: PlaceOf): void {
  const fail = (path: Array<string | number>, message: string, hint: string): never => {
    throw new BadInputError(message, { place: { file, field: fieldName(path), ...placeOf(path) }, hint });
  };

  for (const name of Object.keys(raw.inputs ?? {})) {
    if (RESERVED_INPUTS.has(name)) fail(['inputs', name], `input '${name}' hides the built-in '${name}'`, 'rename the input');
    if (isUnsafeName(name)) fail(['inputs', name], `input '${name}' is a name every JavaScript object has, not data`, 'rename the input');
  }
  const fromStdin = Object.entries(raw.inputs ?? {}).filter(([, property]) => property.stdin === true);
  if (fromStdin.length > 1) fail(['inputs', fromStdin[1][0], 'stdin'], `inputs '${fromStdin[0][0]}' and '${fromStdin[1][0]}' both say stdin: true`, 'standard input can fill one input: keep stdin: true on one of them');
  for (const [name, property] of fromStdin) {
    if (property.type !== undefined && property.type !== 'string') fail(['inputs', name, 'stdin'], `input '${name}' is ${String(property.type)}, but stdin: true needs a string input`, 'make it type: string, or remove stdin: true');
  }

  const seen = new Map<string, number>();
  for (const [index, step] of raw.steps.entries()) {
    if (isUnsafeName(step.id)) fail(['steps', index, 'id'], `step id '${step.id}' is a name every JavaScript object has, not data`, 'rename the step');
    const first = seen.get(step.id);
    if (first !== undefined) {
      const firstLine = placeOf(['steps', first, 'id']).line;
      fail(['steps', index, 'id'], `duplicate step id '${step.id}' (first used${firstLine ? ` at line ${firstLine}` : ` by steps[${first}]`})`, 'give every step its own id');
    }
    seen.set(step.id, index);

    const actions = ACTIONS.filter((action) => step[action] !== undefined);
    const kinds = [...(step.prompt !== undefined ? ['prompt'] : []), ...actions];
    if (kinds.length === 0) fail(['steps', index], `step '${step.id}' has no prompt, http or calendar`, 'add a prompt: for an LLM step, or an http:/calendar: block for an action step');
    if (kinds.length > 1) fail(['steps', index, kinds[1]], `step '${step.id}' has both ${kinds[0]} and ${kinds[1]}`, 'split it into two steps');
    if (actions.length === 1) {
      const stray = LLM_ONLY_FIELDS.find((key) => step[key] !== undefined);
      if (stray) fail(['steps', index, stray], `'${stray}' belongs to LLM steps, not to the ${actions[0]} step '${step.id}'`, `remove '${stray}'`);
    }
    if (step.schema) {
      try {
        compileSchema(step.schema);
      } catch (error) {
        fail(['steps', index, 'schema'], `the output schema of step '${step.id}' is not a valid JSON Schema: ${(error as Error).message}`, 'fix the schema (see json-schema.org)');
      }
    }
  }

  if (raw.schedule && typeof raw.schedule === 'object' && raw.schedule.inputs) {
    const known = Object.keys(raw.inputs ?? {});
    for (const name of Object.keys(raw.schedule.inputs)) {
      if (!known.includes(name)) fail(['schedule', 'inputs', name], `schedule input '${name}' is not an input of the skill`, `known inputs: ${known.join(', ') || '(none)'}`);
    }
  }
}
