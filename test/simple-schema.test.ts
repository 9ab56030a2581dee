// The simple check that spares plain schemas ajv's compiler: it may say "valid" only where ajv says so, and a
// validator from compileSchema gives ajv's verdict and ajv's errors for every value.
import { describe, expect, test } from 'vitest';
import { ajv } from '../src/ajv.js';
import { compileSchema } from '../src/schema-validators.js';
import { simpleSchemaCheck } from '../src/simple-schema.js';

const PLAIN: object[] = [
  {},
  { type: 'string' },
  { type: 'integer' },
  { type: 'number' },
  { type: 'boolean' },
  { type: 'null' },
  { type: 'array' },
  { type: 'object' },
  { type: ['string', 'null'] },
  { type: ['integer', 'number'] },
  { type: ['array', 'object'] },
  { type: 'string', enum: ['fast', 'slow'], default: 'fast', description: 'how' },
  { enum: [1, 'one', true, null] },
  { type: 'integer', minimum: 1, maximum: 50 },
  { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
  { minimum: 3 },
  { type: 'string', minLength: 2, maxLength: 3 },
  { maxLength: 1 },
  { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2 },
  { items: { type: 'integer', minimum: 0 } },
  { type: 'object', properties: { n: { type: 'integer' }, s: { type: 'string' } }, required: ['n'] },
  { type: 'object', additionalProperties: false, required: ['title', 'start'], properties: { title: { type: 'string' }, start: { type: 'string' } } },
  { type: 'object', additionalProperties: true, properties: { list: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } } } },
  { properties: { constructor: { type: 'string' } } },
  { required: ['constructor'] },
  { required: ['toString'], additionalProperties: false },
  { type: 'object', properties: { a: { title: 'A', examples: [1], $comment: 'c', deprecated: true, readOnly: true, writeOnly: false } } },
];

const BEYOND: object[] = [
  { type: 'string', format: 'date-time' },
  { type: 'string', pattern: '^a' },
  { $ref: '#/$defs/a', $defs: { a: { type: 'string' } } },
  { enum: [{ a: 1 }] },
  { const: 1 },
  { type: 'object', additionalProperties: { type: 'string' } },
  { type: 'object', properties: { a: { type: 'string', format: 'email' } } },
  { prefixItems: [{ type: 'string' }] },
  { properties: { a: true } },
  { anyOf: [{ type: 'string' }] },
  { type: 'string', nullable: true },
  { $id: 'https://example.com/a', type: 'string' },
  { type: 'string', 'x-note': 1 },
  { enum: [] },
];

const VALUES: unknown[] = [
  null, true, false, 0, 1, -1, 1.5, 3, 50, 51, Number.NaN, Infinity, -Infinity, '', 'a', 'ab', 'abc', 'abcd', '😀😀', 'fast', 'slow', 'one',
  [], ['a'], ['a', 'b'], ['a', 'b', 'c'], [1], [0, 2], [-1], [1, 'a'], [null], new Array(2), // a sparse array has holes ajv reads as undefined
  {}, { n: 1 }, { n: '1' }, { n: 1.5 }, { n: 1, s: 'x' }, { n: 1, s: 2 }, { n: 1, extra: true },
  { title: 'T', start: 'S' }, { title: 'T', start: 'S', more: 1 }, { title: 'T' }, { title: 1, start: 'S' },
  { list: [{ id: 1 }, { id: 2 }] }, { list: [{ id: 1 }, {}] }, { list: 'no' }, { a: 1 }, { constructor: 'x' },
  Object.assign(Object.create({ inherited: 1 }), { n: 1 }),
  JSON.parse('{"__proto__": {"n": 1}, "n": 1}'),
];

describe('simpleSchemaCheck', () => {
  test('takes the plain keywords and leaves everything else to ajv', () => {
    for (const schema of PLAIN) expect(simpleSchemaCheck(schema), JSON.stringify(schema)).toBeTypeOf('function');
    for (const schema of BEYOND) expect(simpleSchemaCheck(schema), JSON.stringify(schema)).toBeUndefined();
  });

  test('says valid only where ajv says valid, and agrees on every plain case here', () => {
    for (const schema of PLAIN) {
      const check = simpleSchemaCheck(schema)!;
      const reference = ajv().compile(schema);
      for (const value of VALUES) {
        const expected = reference(value);
        const label = `${JSON.stringify(schema)} on ${String(JSON.stringify(value))}`;
        if (check(value)) expect(expected, label).toBe(true);
        // objects with inherited enumerable keys are ajv's to decide; every other value gets the same answer
        else if (!(value && typeof value === 'object' && Object.getPrototypeOf(value) !== Object.prototype && !Array.isArray(value))) expect(expected, label).toBe(false);
      }
    }
  });
});

describe('compileSchema', () => {
  test("gives ajv's verdict and ajv's errors, plain schema or not", () => {
    for (const schema of [...PLAIN, ...BEYOND.filter((schema) => !('$id' in schema) && !('enum' in schema && (schema.enum as unknown[]).length === 0))]) {
      const validate = compileSchema(schema);
      const reference = ajv().compile(schema);
      for (const value of VALUES) {
        const label = `${JSON.stringify(schema)} on ${String(JSON.stringify(value))}`;
        expect(validate(value), label).toBe(reference(value));
        expect(validate.errors, label).toEqual(reference.errors);
      }
    }
  });

  test('a broken schema is still an error with a reason', () => {
    expect(() => compileSchema({ type: 'text' })).toThrow(/schema/);
    expect(() => compileSchema({ type: 'integer', minimum: 'one' })).toThrow(/schema/);
    // the meta-schema allows it; ajv's compiler does not, and says so when the schema is compiled, as before
    expect(() => compileSchema({ enum: [] })).toThrow(/enum must have non-empty array/);
  });
});

describe('compileSchema on generated schemas', () => {
  // a small seeded generator: schemas from the plain keywords, values of every JSON shape
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'];
  const NAMES = ['a', 'b', 'c'];

  function schemaOf(depth: number): Record<string, unknown> {
    const schema: Record<string, unknown> = {};
    if (random() < 0.7) schema.type = random() < 0.8 ? pick(TYPES) : [pick(TYPES), pick(TYPES)].filter((type, index, all) => all.indexOf(type) === index);
    if (random() < 0.2) schema.enum = [pick([1, 2, 'a', 'b', true, null]), pick([0, 'c', false])];
    if (random() < 0.2) schema[pick(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'])] = pick([0, 1, 2.5]);
    if (random() < 0.2) schema[pick(['minLength', 'maxLength', 'minItems', 'maxItems'])] = pick([0, 1, 2]);
    if (depth > 0 && random() < 0.4) schema.properties = Object.fromEntries(NAMES.filter(() => random() < 0.5).map((name) => [name, schemaOf(depth - 1)]));
    if (random() < 0.3) schema.required = NAMES.filter(() => random() < 0.4);
    if (random() < 0.2) schema.additionalProperties = random() < 0.5;
    if (depth > 0 && random() < 0.3) schema.items = schemaOf(depth - 1);
    if (random() < 0.2) schema.description = 'text';
    return schema;
  }

  function valueOf(depth: number): unknown {
    switch (pick(['scalar', 'scalar', 'array', 'object'])) {
      case 'array':
        return depth > 0 ? Array.from({ length: Math.floor(random() * 3) }, () => valueOf(depth - 1)) : [];
      case 'object':
        return depth > 0 ? Object.fromEntries([...NAMES, 'd'].filter(() => random() < 0.5).map((name) => [name, valueOf(depth - 1)])) : {};
      default:
        return pick([null, true, false, 0, 1, 2, -1, 2.5, 0.5, '', 'a', 'ab', 'abc', 'c']);
    }
  }

  test("2,000 schemas × 10 values: ajv's verdict and errors every time", () => {
    for (let index = 0; index < 2000; index++) {
      const schema = schemaOf(2);
      const validate = compileSchema(schema);
      const reference = ajv().compile(schema);
      for (let round = 0; round < 10; round++) {
        const value = valueOf(2);
        const label = `${JSON.stringify(schema)} on ${JSON.stringify(value)}`;
        expect(validate(value), label).toBe(reference(value));
        expect(validate.errors, label).toEqual(reference.errors);
      }
    }
  });
});
