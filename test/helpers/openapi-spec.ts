// OpenRouter's official OpenAPI description. The project's shared copy (../shared/reference) wins when it is
// there — it is the one kept current; test/reference holds a copy so a clone anywhere can run the tests.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ajv } from '../../src/ajv.js';
import { repoRoot } from './cli.js';

export function openRouterSpecFile(): string {
  const shared = path.resolve(repoRoot, '..', 'shared', 'reference', 'openrouter-openapi.yaml');
  return fs.existsSync(shared) ? shared : path.join(repoRoot, 'test', 'reference', 'openrouter-openapi.yaml');
}

/** A validator for one component schema of OpenRouter's spec ('ChatRequest', 'ChatResult'…): the errors, or []. */
export function openRouterSchema(name: string): (value: unknown) => string[] {
  const file = openRouterSpecFile();
  const text = fs.readFileSync(file, 'utf8');
  const spec = parse(text) as { components: { schemas: Record<string, unknown> } };
  if (!spec.components.schemas[name]) throw new Error(`the spec defines no ${name}`);
  const validator = ajv();
  // formats the spec names that ajv-formats does not know (media types and the like) are annotations here
  for (const format of new Set(text.match(/format: '([^']+)'/g)?.map((line) => line.slice(9, -1)))) {
    if (!validator.formats[format]) validator.addFormat(format, true);
  }
  if (!validator.getSchema(SPEC_ID)) validator.addSchema(spec as object, SPEC_ID);
  const validate = validator.compile({ $ref: `${SPEC_ID}#/components/schemas/${name}` });
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`));
}

const SPEC_ID = 'https://openrouter.ai/openapi.yaml';
