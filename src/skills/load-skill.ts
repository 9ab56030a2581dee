// Load one skill file: YAML + schema, then semantic checks, then the static template check.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { BadInputError } from '../errors.js';
import { parseYaml } from '../load-yaml.js';
import type { JsonSchema, Skill, Step } from '../types.js';
import type { RawSkill, RawStep } from './raw-skill.js';
import { semanticChecks } from './semantic-checks.js';
import { skillValidator } from './skill-schema.js';
import { staticCheck } from './static-check.js';

export function loadSkill(file: string, text?: string, options: { commit?: string } = {}): Skill {
  const source = text ?? readSkillText(file);
  const { value: raw, placeOf } = parseYaml<RawSkill>(file, source, skillValidator());
  if (!raw || typeof raw !== 'object') {
    throw new BadInputError('the skill file is empty', { place: { file }, hint: 'start from skills/hello.yaml' });
  }
  semanticChecks(file, raw, placeOf);
  const skill = toSkill(raw, file, source, options.commit);
  staticCheck(skill, placeOf);
  return skill;
}

function readSkillText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadInputError(`cannot read skill file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      place: { file },
      hint: 'check the path; `portai skills list` shows the skills found',
    });
  }
}

/** Rule: an input is required unless it has a `default` or says `required: false`. */
export function requiredInputs(inputs: RawSkill['inputs']): string[] {
  return Object.entries(inputs ?? {})
    .filter(([, property]) => property.default === undefined && property.required !== false)
    .map(([name]) => name);
}

function toSkill(raw: RawSkill, file: string, source: string, commit?: string): Skill {
  const inputs: Record<string, JsonSchema> = {};
  for (const [name, property] of Object.entries(raw.inputs ?? {})) {
    // `required: false` and `stdin: true` are portai's markers, not JSON Schema: keep them out of the property
    const { required: _required, stdin: _stdin, ...schema } = property;
    inputs[name] = schema;
  }
  const skill: Skill = {
    name: raw.name,
    description: raw.description,
    outcome: raw.outcome,
    privacy: raw.privacy,
    tags: raw.tags ?? [],
    inputs,
    required: requiredInputs(raw.inputs),
    stdin_input: Object.entries(raw.inputs ?? {}).find(([, property]) => property.stdin === true)?.[0],
    env: raw.env ?? [],
    steps: raw.steps.map(toStep),
    defer: raw.defer,
    schedule: typeof raw.schedule === 'string' ? { cron: raw.schedule } : raw.schedule,
    notify: raw.notify,
    deadline: raw.deadline,
    quality: raw.quality,
    file,
    source,
    hash: createHash('sha256').update(source).digest('hex'),
  };
  if (commit) skill.commit = commit;
  return withoutUndefined(skill);
}

function toStep(raw: RawStep): Step {
  const action = raw.http !== undefined ? 'http' : raw.calendar !== undefined ? 'calendar' : undefined;
  if (action) return withoutUndefined({ kind: 'action', id: raw.id, when: raw.when, action, spec: (raw[action] ?? {}) as Record<string, unknown> });
  return withoutUndefined({
    kind: 'llm',
    id: raw.id,
    when: raw.when,
    effort: raw.effort ?? 'low',
    prompt: raw.prompt ?? '',
    system: raw.system,
    schema: raw.schema,
    max_output_tokens: raw.max_output_tokens,
    tag: raw.tag,
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
