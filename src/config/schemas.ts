// The compiled JSON Schemas for presets and config files, compiled once per process on the shared ajv.
import fs from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { ajv } from '../ajv.js';
import { packageRoot } from './package-root.js';

const PRESET_ID = 'https://portai.dev/schemas/preset.schema.json';
const CONFIG_ID = 'https://portai.dev/schemas/config.schema.json';

export function presetValidator(): ValidateFunction {
  return validatorFor(PRESET_ID, 'preset.schema.json');
}

export function configValidator(): ValidateFunction {
  // the config schema refers to the preset schema's definitions (models, limits, URLs)
  presetValidator();
  return validatorFor(CONFIG_ID, 'config.schema.json');
}

function validatorFor(id: string, file: string): ValidateFunction {
  const instance = ajv();
  const known = instance.getSchema(id);
  if (known) return known;
  const schema = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'schemas', file), 'utf8')) as object;
  instance.addSchema(schema);
  const compiled = instance.getSchema(id);
  if (!compiled) throw new Error(`schema ${file} has no $id ${id}`);
  return compiled;
}
