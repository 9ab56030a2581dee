// The catalog and key bodies the fake provider serves in these tests must be what OpenRouter's
// official OpenAPI description says GET /models and GET /key return, or the tests prove nothing.
import fs from 'node:fs';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ajv } from '../src/ajv.js';
import { openRouterSpecFile } from './helpers/openapi-spec.js';
import { startFakeProvider } from './fake-provider/server.js';
import { openRouterKey, openRouterModel } from './fake-provider/catalog-routes.js';

const specFile = openRouterSpecFile();
const SPEC_ID = 'https://openrouter.ai/openapi.yaml';
const specText = fs.readFileSync(specFile, 'utf8');
const validator = ajv();
// formats the spec names that ajv-formats does not know are annotations here
for (const format of new Set(specText.match(/format: '([^']+)'/g)?.map((line) => line.slice(9, -1)))) {
  if (!validator.formats[format]) validator.addFormat(format, true);
}
if (!validator.getSchema(SPEC_ID)) validator.addSchema(parse(specText) as object, SPEC_ID);

const pointer = (...parts: string[]) => parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const modelsSchema = validator.compile({ $ref: `${SPEC_ID}#/components/schemas/ModelsListResponse` });
const keySchema = validator.compile({ $ref: `${SPEC_ID}#/${pointer('paths', '/key', 'get', 'responses', '200', 'content', 'application/json', 'schema')}` });

function problems(validate: typeof modelsSchema, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

const provider = await startFakeProvider();
afterAll(() => provider.close());

async function getJson(pathname: string): Promise<unknown> {
  const response = await fetch(`${provider.url}/api/v1${pathname}`, { headers: { authorization: 'Bearer sk-test' } });
  expect(response.status).toBe(200);
  return response.json();
}

describe('fake catalog bodies satisfy the OpenAPI description', () => {
  it('GET /models with free, paid, expiring and context-less models is a ModelsListResponse', async () => {
    provider.setModels([
      openRouterModel({ id: 'openrouter/free' }),
      openRouterModel({ id: 'vendor/model:free', expiration: '2026-12-01' }),
      openRouterModel({ id: 'vendor/paid', prompt: '0.0000005', completion: '0.000003', context: null }),
    ]);
    expect(problems(modelsSchema, await getJson('/models'))).toEqual([]);
  });

  it("the fake's default GET /key answer matches the /key response schema", async () => {
    expect(problems(keySchema, await getJson('/key'))).toEqual([]);
  });

  it('GET /key, with a negative balance and the free-request counts, matches the /key response schema', async () => {
    provider.setKey(openRouterKey({ is_free_tier: false, limit: 10, limit_remaining: -0.25, usage_daily: 0.5 }));
    expect(problems(keySchema, await getJson('/key'))).toEqual([]);
  });

  it('the schemas are strict enough to catch a wrong shape', () => {
    const model = openRouterModel({ id: 'a' });
    expect(problems(modelsSchema, { data: [{ ...model, pricing: { prompt: 0.1, completion: '0' } }] }).join()).toMatch(/pricing\/prompt must be string/);
    const { is_free_tier: _dropped, ...withoutFreeTier } = openRouterKey();
    expect(problems(keySchema, { data: withoutFreeTier }).join()).toMatch(/is_free_tier/);
  });
});
