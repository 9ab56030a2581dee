// A step's reply → its output. Text steps give the trimmed text; schema steps give one JSON value
// that validates, or readable error lines for the repair request.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { compileSchema } from '../schema-validators.js';
import type { LlmStep } from '../types.js';
import { extractJson } from './extract-json.js';

const validators = new Map<string, ValidateFunction>();

export function parseStepOutput(step: LlmStep, text: string): { ok: true; value: unknown } | { ok: false; errors: string[] } {
  if (!step.schema) {
    const trimmed = text.trim();
    return trimmed ? { ok: true, value: trimmed } : { ok: false, errors: ['the reply was empty'] };
  }
  const extracted = extractJson(text);
  if (!extracted.ok) return { ok: false, errors: [extracted.error] };
  const validate = validatorFor(step.schema);
  if (validate(extracted.value)) return { ok: true, value: extracted.value };
  return { ok: false, errors: (validate.errors ?? []).map(describe) };
}

function validatorFor(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let validator = validators.get(key);
  if (!validator) {
    validator = compileSchema(schema);
    validators.set(key, validator);
  }
  return validator;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath ? error.instancePath.slice(1).split('/').join('.') : '(the whole value)';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${where}: missing required property '${params.missingProperty}'`;
    case 'additionalProperties':
      return `${where}: property '${params.additionalProperty}' is not allowed`;
    case 'enum':
      return `${where}: must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
    case 'format':
      return `${where}: must be a ${params.format} string${params.format === 'date-time' ? ' such as 2026-03-07T15:00:00+00:00 (with offset)' : ''}`;
    default:
      return `${where}: ${error.message ?? 'is not valid'}`;
  }
}
