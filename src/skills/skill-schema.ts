// The validator of skill files (schemas/skill.schema.json).
import type { ValidateFunction } from 'ajv';
import { schemaValidator } from '../schema-validators.js';

export function skillValidator(): ValidateFunction {
  return schemaValidator('skill');
}
