// Cuts the Responses API's event and Response schemas (and every schema they reference) out of OpenAI's
// OpenAPI description (https://github.com/openai/openai-openapi, openapi.yaml), without prose and vendor
// annotations, into openai-responses-schemas.json. Run from the repo root:
//   node test/reference/extract-openai-responses.mjs path/to/openapi.yaml <commit>
import fs from 'node:fs';
import { parse } from 'yaml';

const [file, commit] = process.argv.slice(2);
const schemas = parse(fs.readFileSync(file, 'utf8')).components.schemas;
// the events portai serve emits on POST /v1/responses, and the answer object itself
const roots = [
  'Response',
  'ResponseCreatedEvent',
  'ResponseInProgressEvent',
  'ResponseOutputItemAddedEvent',
  'ResponseContentPartAddedEvent',
  'ResponseTextDeltaEvent',
  'ResponseTextDoneEvent',
  'ResponseContentPartDoneEvent',
  'ResponseOutputItemDoneEvent',
  'ResponseFunctionCallArgumentsDeltaEvent',
  'ResponseFunctionCallArgumentsDoneEvent',
  'ResponseCompletedEvent',
  'ResponseIncompleteEvent',
  'ResponseFailedEvent',
];
const strip = (value) => {
  if (Array.isArray(value)) return value.map(strip);
  if (!value || typeof value !== 'object') return value;
  const kept = Object.entries(value).filter(([key]) => !['description', 'title', 'example', 'examples'].includes(key) && !key.startsWith('x-'));
  return Object.fromEntries(kept.map(([key, item]) => [key, key === 'properties' ? Object.fromEntries(Object.entries(item).map(([name, schema]) => [name, strip(schema)])) : strip(item)]));
};
const seen = new Set();
const todo = [...roots];
while (todo.length > 0) {
  const name = todo.pop();
  if (seen.has(name)) continue;
  seen.add(name);
  JSON.stringify(schemas[name], (key, value) => {
    if (key === '$ref') todo.push(value.split('/').pop());
    return value;
  });
}
const out = { source: `https://github.com/openai/openai-openapi/blob/${commit}/openapi.yaml`, roots, components: { schemas: Object.fromEntries([...seen].sort().map((name) => [name, strip(schemas[name])])) } };
fs.writeFileSync('test/reference/openai-responses-schemas.json', `${JSON.stringify(out, null, 1)}\n`);
