// The JSON Schemas of portai's own files (skills, config, presets). The built CLI loads them precompiled
// (dist/validators.cjs, made by scripts/build-validators.mjs) so no command pays for compiling schemas at
// start-up; from source (tests) they are compiled from schemas/ on the shared ajv, once per process.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { ajv } from './ajv.js';
import { simpleSchemaCheck } from './simple-schema.js';

export type SchemaName = 'skill' | 'tests' | 'config' | 'preset' | 'meta';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(here, '..');
const precompiledFile = path.join(here, 'validators.cjs');
const IDS: Record<SchemaName, string> = {
  preset: 'https://portai.dev/schemas/preset.schema.json',
  config: 'https://portai.dev/schemas/config.schema.json',
  skill: 'https://portai.dev/schemas/skill.schema.json',
  tests: 'https://portai.dev/schemas/skill-tests.schema.json',
  meta: 'https://json-schema.org/draft/2020-12/schema',
};

let precompiled: Record<SchemaName, ValidateFunction> | null | undefined;

export function schemaValidator(name: SchemaName): ValidateFunction {
  if (precompiled === undefined) {
    // only next to the built code, so a schema edited in the source tree is never checked by stale code
    precompiled = path.basename(here) === 'dist' && fs.existsSync(precompiledFile) ? (createRequire(import.meta.url)(precompiledFile) as Record<SchemaName, ValidateFunction>) : null;
  }
  return precompiled ? precompiled[name] : compiled(name);
}

function compiled(name: SchemaName): ValidateFunction {
  const instance = ajv();
  // the config schema refers to the preset schema's definitions (models, limits, URLs)
  if (name === 'config') compiled('preset');
  // a tests file is the skill schema's `tests` block
  if (name === 'tests') compiled('skill');
  const known = instance.getSchema(IDS[name]);
  if (known) return known;
  if (name === 'meta') throw new Error('ajv has no JSON Schema 2020-12 meta-schema');
  instance.addSchema(JSON.parse(fs.readFileSync(path.join(packageRoot, 'schemas', `${name === 'tests' ? 'skill-tests' : name}.schema.json`), 'utf8')) as object);
  const validate = instance.getSchema(IDS[name]);
  if (!validate) throw new Error(`schemas/${name}.schema.json has no $id ${IDS[name]}`);
  return validate;
}

/**
 * Compile a schema a skill brings (its inputs, a step's output schema): checked against the JSON Schema
 * meta-schema first (precompiled when built), so a broken schema is an error with a reason, not odd code.
 */
export function compileSchema(schema: object): ValidateFunction {
  const meta = schemaValidator('meta');
  if (!meta(schema)) throw new Error(ajv().errorsText(meta.errors, { dataVar: 'schema' }));
  const check = simpleSchemaCheck(schema);
  return check ? checkedFirst(schema, check) : ajv().compile(schema);
}

/**
 * A plain schema's validator: data the simple check passes is valid without ajv; anything else is ajv's to judge,
 * compiled then (once), so a failure carries ajv's errors. ajv compiles every schema the simple check accepts.
 */
function checkedFirst(schema: object, check: (data: unknown) => boolean): ValidateFunction {
  let compiled: ValidateFunction | undefined;
  const validate = ((data: unknown) => {
    if (check(data)) {
      validate.errors = null;
      return true;
    }
    compiled ??= ajv().compile(schema);
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  }) as ValidateFunction;
  validate.errors = null;
  validate.schema = schema;
  return validate;
}
