// The Responses API schemas cut from OpenAI's OpenAPI description (test/reference/openai-responses-schemas.json,
// made by test/reference/extract-openai-responses.mjs): a validator per event type, and one for the Response object.
import fs from 'node:fs';
import path from 'node:path';
import { ajv } from '../../src/ajv.js';
import { repoRoot } from './cli.js';

const SPEC_ID = 'https://github.com/openai/openai-openapi/responses-extract.json';

/** The schema of each streamed event type portai emits, as the spec names it. */
export const EVENT_SCHEMAS: Record<string, string> = {
  'response.created': 'ResponseCreatedEvent',
  'response.in_progress': 'ResponseInProgressEvent',
  'response.output_item.added': 'ResponseOutputItemAddedEvent',
  'response.content_part.added': 'ResponseContentPartAddedEvent',
  'response.output_text.delta': 'ResponseTextDeltaEvent',
  'response.output_text.done': 'ResponseTextDoneEvent',
  'response.content_part.done': 'ResponseContentPartDoneEvent',
  'response.output_item.done': 'ResponseOutputItemDoneEvent',
  'response.function_call_arguments.delta': 'ResponseFunctionCallArgumentsDeltaEvent',
  'response.function_call_arguments.done': 'ResponseFunctionCallArgumentsDoneEvent',
  'response.completed': 'ResponseCompletedEvent',
  'response.incomplete': 'ResponseIncompleteEvent',
  'response.failed': 'ResponseFailedEvent',
};

/** A validator for one schema ('Response', 'ResponseCompletedEvent'…): the errors, or []. */
export function responsesSchema(name: string): (value: unknown) => string[] {
  const spec = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'reference', 'openai-responses-schemas.json'), 'utf8')) as { components: { schemas: Record<string, unknown> } };
  if (!spec.components.schemas[name]) throw new Error(`the extract holds no ${name}`);
  const validator = ajv();
  for (const format of ['unixtime', 'double', 'float', 'int', 'png', 'binary']) if (!validator.formats[format]) validator.addFormat(format, true);
  if (!validator.getSchema(SPEC_ID)) validator.addSchema(spec as object, SPEC_ID);
  const validate = validator.compile({ $ref: `${SPEC_ID}#/components/schemas/${name}` });
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`));
}

/** Every event checked against the schema of its type; an event type the spec does not list is an error too. */
export function eventErrors(events: Array<{ type: string }>): string[] {
  return events.flatMap((event, index) => {
    const name = EVENT_SCHEMAS[event.type];
    if (!name) return [`#${index}: no schema for event type ${event.type}`];
    return responsesSchema(name)(event).map((error) => `#${index} ${event.type}: ${error}`);
  });
}
