// The validators of preset and config files.
import type { ValidateFunction } from 'ajv';
import { schemaValidator } from '../schema-validators.js';

export function presetValidator(): ValidateFunction {
  return schemaValidator('preset');
}

export function configValidator(): ValidateFunction {
  return schemaValidator('config');
}
