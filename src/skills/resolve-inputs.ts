// Given inputs → the run's inputs: reject unknown names, coerce strings to the declared type, apply
// defaults (a default may be a template over now, today and other inputs), then validate with ajv.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { compileSchema } from '../schema-validators.js';
import { BadInputError } from '../errors.js';
import type { JsonSchema, Skill } from '../types.js';
import { renderTemplate } from './render.js';
import { stdinTarget } from './stdin-input.js';
import { isUnsafeName } from './unsafe-names.js';
import type { RunTime } from './run-time.js';

const validators = new Map<string, ValidateFunction>();

export function resolveInputs(skill: Skill, given: object, time: RunTime): Record<string, unknown> {
  const known = Object.keys(skill.inputs);
  const resolved: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    // own names only: `constructor` or `__proto__` is "in" every object, and is never an input
    if (isUnsafeName(name) || !Object.hasOwn(skill.inputs, name)) {
      throw new BadInputError(`unknown input '${name}' for skill ${skill.name}`, {
        place: { file: skill.file, field: 'inputs' },
        hint: known.length > 0 ? `known inputs: ${known.join(', ')}` : 'this skill takes no inputs',
      });
    }
    resolved[name] = coerce(name, value, skill.inputs[name]);
  }
  // plain defaults first, so a template default may use them
  for (const [name, property] of Object.entries(skill.inputs)) {
    if (resolved[name] === undefined && property.default !== undefined && !isTemplate(property.default)) resolved[name] = property.default;
  }
  applyTemplateDefaults(skill, resolved, time);
  validate(skill, resolved);
  return resolved;
}

/** Template defaults may use each other in any order: render in passes until none is left or none can be. */
function applyTemplateDefaults(skill: Skill, resolved: Record<string, unknown>, time: RunTime): void {
  let pending = Object.keys(skill.inputs).filter((name) => resolved[name] === undefined && isTemplate(skill.inputs[name].default));
  while (pending.length > 0) {
    let firstError: unknown;
    const left: string[] = [];
    for (const name of pending) {
      const context = { ...resolved, now: time.now_utc, today: time.today };
      try {
        const text = renderTemplate(skill.inputs[name].default as string, context, { file: skill.file, field: `inputs.${name}.default` });
        resolved[name] = coerce(name, text, skill.inputs[name]);
      } catch (error) {
        firstError ??= error;
        left.push(name);
      }
    }
    if (left.length === pending.length) throw firstError;
    pending = left;
  }
}

function isTemplate(value: unknown): value is string {
  return typeof value === 'string' && value.includes('{{');
}

/** -i gives strings; turn them into the declared type, or say which input is wrong. */
function coerce(name: string, value: unknown, property: JsonSchema): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  const wrong = (what: string) => new BadInputError(`input '${name}' must be ${what}, got '${value}'`, { hint: `e.g. -i ${name}=${example(what)}` });
  switch (property.type) {
    case 'integer':
    case 'number': {
      const number = text === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(number)) throw wrong(property.type === 'integer' ? 'an integer' : 'a number');
      return number;
    }
    case 'boolean':
      if (['true', 'yes', '1'].includes(text.toLowerCase())) return true;
      if (['false', 'no', '0'].includes(text.toLowerCase())) return false;
      throw wrong('true or false');
    case 'array':
    case 'object':
      try {
        return JSON.parse(text);
      } catch {
        throw wrong(property.type === 'array' ? 'a JSON array' : 'a JSON object');
      }
    default:
      return value;
  }
}

function example(what: string): string {
  if (what.includes('integer') || what.includes('number')) return '10';
  if (what.includes('true')) return 'true';
  return what.includes('array') ? '\'["a","b"]\'' : '\'{"key":"value"}\'';
}

function validate(skill: Skill, values: Record<string, unknown>): void {
  const schema = { type: 'object', properties: skill.inputs, required: skill.required };
  const key = JSON.stringify(schema);
  let validator = validators.get(key);
  if (!validator) {
    validator = compileSchema(schema);
    validators.set(key, validator);
  }
  if (validator(values)) return;
  const error = (validator.errors ?? [])[0] as ErrorObject;
  if (error.keyword === 'required') {
    const name = String(error.params.missingProperty);
    throw new BadInputError(`missing required input '${name}' for skill ${skill.name}`, {
      hint: `give it with -i ${name}=…${describeInput(skill.inputs[name])}${pipeable(skill, name) ? `, or pipe it in: … | portai run skill ${skill.name}` : ''}`,
    });
  }
  const name = error.instancePath.split('/')[1] ?? '';
  const path = error.instancePath.slice(1).split('/').join('.');
  const allowed = error.keyword === 'enum' ? `: ${(error.params.allowedValues as unknown[]).join(', ')}` : '';
  throw new BadInputError(`input '${path || name}' ${error.message ?? 'is not valid'}${allowed}`, {
    hint: `check the value of '${name}'${describeInput(skill.inputs[name])}`,
  });
}

function pipeable(skill: Skill, name: string): boolean {
  const target = stdinTarget(skill);
  return target !== null && 'input' in target && target.input === name;
}

function describeInput(property?: JsonSchema): string {
  return property && typeof property.description === 'string' ? ` (${property.description})` : '';
}
