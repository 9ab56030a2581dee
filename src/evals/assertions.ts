// The checks a case makes on one answer. All are data-driven: nothing from a skill file is executed.
// `judge` needs a model and is graded in run-case.ts; here it is only passed through.
import { isDeepStrictEqual } from 'node:util';
import { compileSchema } from '../schema-validators.js';
import { parseJsonPath, readJsonPath } from './json-path.js';
import { safeRegexTest } from './safe-regex.js';
import type { Assertion, CheckResult } from './types.js';

export interface Answer {
  /** the step's output: parsed JSON for a step with a schema, else text */
  output: unknown;
  cost_usd: number;
  latency_ms: number;
  /** the step's output schema, the default of json-schema */
  schema?: Record<string, unknown>;
}

export function checkAnswer(assertion: Assertion, answer: Answer): CheckResult {
  const result = (pass: boolean, detail: string): CheckResult => ({ type: assertion.type, pass, detail });
  const text = typeof answer.output === 'string' ? answer.output : JSON.stringify(answer.output);
  switch (assertion.type) {
    case 'equals':
      return result(isDeepStrictEqual(answer.output, assertion.value) || (typeof answer.output === 'string' && answer.output.trim() === assertion.value), `expected ${short(assertion.value)}, got ${short(answer.output)}`);
    case 'contains':
      return result(text.includes(String(assertion.value)), `${short(String(assertion.value))} ${text.includes(String(assertion.value)) ? 'found' : 'not found'}`);
    case 'icontains': {
      const found = text.toLowerCase().includes(String(assertion.value).toLowerCase());
      return result(found, `${short(String(assertion.value))} ${found ? 'found' : 'not found'} (any case)`);
    }
    case 'not-contains':
      return result(!text.includes(String(assertion.value)), `${short(String(assertion.value))} ${text.includes(String(assertion.value)) ? 'found' : 'absent'}`);
    case 'regex': {
      const pass = safeRegexTest(assertion.pattern ?? '', assertion.flags ?? '', text);
      return result(pass, `/${assertion.pattern}/${assertion.flags ?? ''} ${pass ? 'matches' : 'does not match'}`);
    }
    case 'json-schema': {
      const validate = compileSchema(assertion.schema ?? answer.schema ?? {});
      const pass = validate(answer.output) === true;
      return result(pass, pass ? 'matches the schema' : `schema: ${(validate.errors ?? []).slice(0, 2).map((error) => `${error.instancePath || '(root)'} ${error.message}`).join('; ')}`);
    }
    case 'json-path':
      return checkPath(assertion, answer.output, result);
    case 'max-length':
      return result(text.length <= Number(assertion.value), `${text.length} characters (at most ${assertion.value})`);
    case 'max-cost':
      return result(answer.cost_usd <= Number(assertion.value), `$${answer.cost_usd.toFixed(6)} (at most $${assertion.value})`);
    case 'max-latency':
      return result(answer.latency_ms <= Number(assertion.value), `${answer.latency_ms} ms (at most ${assertion.value} ms)`);
    case 'judge':
      return result(false, 'graded by a model');
  }
}

function checkPath(assertion: Assertion, output: unknown, result: (pass: boolean, detail: string) => CheckResult): CheckResult {
  const parts = parseJsonPath(assertion.path ?? '') ?? [];
  const read = readJsonPath(typeof output === 'string' ? tryJson(output) : output, parts);
  if (!read.found) return result(false, `${assertion.path} is missing`);
  if (assertion.equals !== undefined) return result(isDeepStrictEqual(read.value, assertion.equals), `${assertion.path} = ${short(read.value)} (expected ${short(assertion.equals)})`);
  const text = typeof read.value === 'string' ? read.value : JSON.stringify(read.value);
  const found = text.includes(String(assertion.contains));
  return result(found, `${assertion.path} ${found ? 'contains' : 'does not contain'} ${short(String(assertion.contains))}`);
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
