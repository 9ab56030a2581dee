// Build step: compile the skill, config and preset JSON Schemas once, ahead of time, into plain JavaScript
// (ajv "standalone" code), so a command starts without compiling schemas. dist/validators.cjs is what runs;
// the schemas in schemas/ stay the source of truth (src/schema-validators.ts falls back to compiling them).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { default: Ajv2020 } = require('ajv/dist/2020');
const standaloneCode = require('ajv/dist/standalone').default;
const addFormats = require('ajv-formats');
const { _ } = require('ajv');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ids = {
  preset: 'https://portai.dev/schemas/preset.schema.json',
  config: 'https://portai.dev/schemas/config.schema.json',
  skill: 'https://portai.dev/schemas/skill.schema.json',
  tests: 'https://portai.dev/schemas/skill-tests.schema.json',
  // the JSON Schema meta-schema: checks the schemas skills bring (inputs, step outputs) before they are compiled
  meta: 'https://json-schema.org/draft/2020-12/schema',
};
// the same options as src/ajv.ts, plus code generation
const ajv = new Ajv2020({ allErrors: true, strict: false, useDefaults: false, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
addFormats(ajv);
for (const name of ['preset', 'config', 'skill', 'skill-tests']) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(root, 'schemas', `${name}.schema.json`), 'utf8')));
const code = standaloneCode(ajv, ids);
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
fs.writeFileSync(path.join(root, 'dist', 'validators.cjs'), code);
