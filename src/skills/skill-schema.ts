// The compiled skill schema (schemas/skill.schema.json), compiled once per process on the shared ajv.
import fs from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { ajv } from '../ajv.js';
import { packageRoot } from '../config/package-root.js';

const SKILL_ID = 'https://portai.dev/schemas/skill.schema.json';

export function skillValidator(): ValidateFunction {
  const instance = ajv();
  const known = instance.getSchema(SKILL_ID);
  if (known) return known;
  const schema = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'schemas', 'skill.schema.json'), 'utf8')) as object;
  instance.addSchema(schema);
  const compiled = instance.getSchema(SKILL_ID);
  if (!compiled) throw new Error(`schemas/skill.schema.json has no $id ${SKILL_ID}`);
  return compiled;
}
