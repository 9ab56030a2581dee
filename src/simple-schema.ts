// A check for the plain JSON Schemas most skills bring (an input's type, an enum, a range, an object of such
// properties), done without ajv: loading and running ajv's compiler costs a command more start-up time than the
// rest of a dry run's validation together. It only ever answers "valid for certain"; anything else — a keyword
// outside the small set below, or data that fails — goes to ajv, so every error is still ajv's own.
// The tests (test/simple-schema.test.ts) hold it to ajv's verdicts.

export type SimpleCheck = (data: unknown) => boolean;

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'array', 'object']);
// annotations: ajv ignores them when it validates (useDefaults is off)
const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', '$comment', 'deprecated', 'readOnly', 'writeOnly']);
const NUMBER_BOUNDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const;
const LENGTH_BOUNDS = ['minLength', 'maxLength', 'minItems', 'maxItems'] as const;
const KEYWORDS = new Set<string>(['type', 'enum', 'properties', 'required', 'additionalProperties', 'items', ...NUMBER_BOUNDS, ...LENGTH_BOUNDS, ...ANNOTATIONS]);

/** A check for `schema`, or undefined when the schema uses anything beyond the plain keywords (ajv decides then). */
export function simpleSchemaCheck(schema: unknown): SimpleCheck | undefined {
  if (!isObject(schema) || !Object.keys(schema).every((key) => KEYWORDS.has(key))) return undefined;
  const checks: SimpleCheck[] = [];

  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length === 0 || !types.every((type) => typeof type === 'string' && TYPES.has(type))) return undefined;
    checks.push((data) => types.some((type) => hasType(data, type as string)));
  }
  if (schema.enum !== undefined) {
    // primitives only: ajv compares them with ===; objects and arrays need its deep equality. An empty enum passes
    // the meta-schema but ajv refuses to compile it: ajv must see it, so the error comes when the schema is loaded
    const values = schema.enum;
    if (!Array.isArray(values) || values.length === 0 || !values.every((value) => value === null || ['string', 'number', 'boolean'].includes(typeof value))) return undefined;
    checks.push((data) => values.some((value) => value === data));
  }
  for (const keyword of NUMBER_BOUNDS) {
    const bound = schema[keyword];
    if (bound === undefined) continue;
    if (typeof bound !== 'number') return undefined;
    checks.push((data) => typeof data !== 'number' || withinNumberBound(keyword, data, bound));
  }
  for (const keyword of LENGTH_BOUNDS) {
    const bound = schema[keyword];
    if (bound === undefined) continue;
    if (!Number.isInteger(bound)) return undefined;
    const applies = keyword.endsWith('Items') ? Array.isArray : (data: unknown) => typeof data === 'string';
    // ajv counts a string's length in code points (a surrogate pair is one)
    const length = (data: unknown) => (typeof data === 'string' ? [...data].length : (data as unknown[]).length);
    const atLeast = keyword.startsWith('min');
    checks.push((data) => !applies(data) || (atLeast ? length(data) >= (bound as number) : length(data) <= (bound as number)));
  }

  const objectCheck = objectKeywords(schema);
  if (objectCheck === null) return undefined;
  if (objectCheck) checks.push((data) => !isObject(data) || objectCheck(data));
  if (schema.items !== undefined) {
    const item = simpleSchemaCheck(schema.items);
    if (!item) return undefined;
    // a plain loop: `every` would skip the holes of a sparse array, which ajv reads as undefined
    checks.push((data) => {
      if (!Array.isArray(data)) return true;
      for (let index = 0; index < data.length; index++) if (!item(data[index])) return false;
      return true;
    });
  }
  return (data) => checks.every((check) => check(data));
}

/** properties, required and additionalProperties: a check, undefined when there are none, null when beyond the plain set. */
function objectKeywords(schema: Record<string, unknown>): ((data: Record<string, unknown>) => boolean) | undefined | null {
  const { properties, required, additionalProperties } = schema;
  if (properties === undefined && required === undefined && additionalProperties === undefined) return undefined;
  if (properties !== undefined && !isObject(properties)) return null;
  if (required !== undefined && !(Array.isArray(required) && required.every((name) => typeof name === 'string'))) return null;
  if (additionalProperties !== undefined && typeof additionalProperties !== 'boolean') return null;
  const propertyChecks: Array<[string, SimpleCheck]> = [];
  for (const [name, property] of Object.entries(properties ?? {})) {
    const check = simpleSchemaCheck(property);
    if (!check) return null;
    propertyChecks.push([name, check]);
  }
  const names = (required ?? []) as string[];
  return (data) =>
    // the same reads as ajv's code (`data[name] !== undefined`), so inherited names behave as they do there
    names.every((name) => data[name] !== undefined) &&
    propertyChecks.every(([name, check]) => data[name] === undefined || check(data[name])) &&
    (additionalProperties !== false || (Object.keys(data).every((key) => Object.hasOwn(properties ?? {}, key)) && allKeysOwn(data)));
}

// ajv walks `for (key in data)`, which also sees enumerable inherited keys; JSON and YAML data have none, and when
// some do, ajv decides
function allKeysOwn(data: Record<string, unknown>): boolean {
  for (const key in data) if (!Object.hasOwn(data, key)) return false;
  return true;
}

function hasType(data: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return data === null;
    case 'array':
      return Array.isArray(data);
    case 'object':
      return isObject(data);
    // as ajv's type checks with strict off (src/ajv.ts): NaN is a number, and Infinity an integer
    case 'integer':
      return typeof data === 'number' && !(data % 1) && !Number.isNaN(data);
    case 'number':
      return typeof data === 'number';
    default:
      return typeof data === type;
  }
}

function withinNumberBound(keyword: (typeof NUMBER_BOUNDS)[number], data: number, bound: number): boolean {
  switch (keyword) {
    case 'minimum':
      return data >= bound;
    case 'maximum':
      return data <= bound;
    case 'exclusiveMinimum':
      return data > bound;
    case 'exclusiveMaximum':
      return data < bound;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
