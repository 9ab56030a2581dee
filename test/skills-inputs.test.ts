// Inputs: -i pairs, --input-json (text, @file, stdin), coercion, defaults (plain and template), validation.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BadInputError } from '../src/errors.js';
import { loadSkill, parseInputArgs, resolveInputs, runTime } from '../src/skills/index.js';

const SKILL = loadSkill(
  'skills/inputs.yaml',
  `name: inputs
outcome: Test inputs.
inputs:
  request: { type: string, description: what to do }
  limit: { type: integer, default: 10, minimum: 1, maximum: 50 }
  ratio: { type: number, required: false }
  dry: { type: boolean, default: false }
  tags: { type: array, items: { type: string }, required: false }
  mode: { type: string, enum: [fast, slow], default: fast }
  title: { type: string, default: "Notes for {{day}}" }
  day: { type: string, default: "{{today}}" }
  stamp: { type: string, default: "{{now}}" }
steps:
  - id: go
    prompt: "{{request}} {{limit}} {{title}} {{stamp}}"
`,
);
const TIME = runTime(new Date('2026-03-07T23:30:00Z'), 'Asia/Tokyo');
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-inputs-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

function errorOf(run: () => unknown): BadInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof BadInputError) return error;
    throw error;
  }
  throw new Error('expected a BadInputError');
}

describe('parseInputArgs', () => {
  test('-i pairs keep everything after the first =', () => {
    expect(parseInputArgs(['name=Ada', 'query=a=b', 'empty='])).toEqual({ name: 'Ada', query: 'a=b', empty: '' });
  });

  test('a pair without = is refused', () => {
    expect(errorOf(() => parseInputArgs(['name'])).message).toBe('-i name: expected key=value');
  });

  test('JSON text, with -i overriding it', () => {
    expect(parseInputArgs(['limit=3'], '{"request": "lunch", "limit": 5}')).toEqual({ request: 'lunch', limit: '3' });
  });

  test('@file and - read JSON from a file and from stdin', () => {
    const file = path.join(temp, 'inputs.json');
    fs.writeFileSync(file, '{"request": "from file", "tags": ["a"]}');
    expect(parseInputArgs([], `@${file}`)).toEqual({ request: 'from file', tags: ['a'] });
    expect(parseInputArgs([], '-', () => '{"request": "from stdin"}')).toEqual({ request: 'from stdin' });
  });

  test('bad JSON, a JSON array and a missing file are bad input', () => {
    expect(errorOf(() => parseInputArgs([], '{request: 1}')).message).toMatch(/^--input-json: not valid JSON/);
    expect(errorOf(() => parseInputArgs([], '[1, 2]')).message).toBe('--input-json: the inputs must be one JSON object');
    expect(errorOf(() => parseInputArgs([], `@${path.join(temp, 'missing.json')}`)).message).toMatch(/cannot read the file \(ENOENT\)/);
  });
});

describe('resolveInputs', () => {
  test('coerces -i strings, applies plain and template defaults', () => {
    const inputs = resolveInputs(SKILL, { request: 'plan', limit: '25', ratio: '0.5', dry: 'yes', tags: '["x","y"]' }, TIME);
    expect(inputs).toEqual({
      request: 'plan',
      limit: 25,
      ratio: 0.5,
      dry: true,
      tags: ['x', 'y'],
      mode: 'fast',
      // today in Tokyo is already the 8th; a template default may use another template default
      day: '2026-03-08',
      title: 'Notes for 2026-03-08',
      stamp: '2026-03-07T23:30:00.000Z',
    });
  });

  test('a given value wins over a template default', () => {
    expect(resolveInputs(SKILL, { request: 'x', day: 'Monday' }, TIME).title).toBe('Notes for Monday');
  });

  test('optional inputs without a default stay absent', () => {
    const inputs = resolveInputs(SKILL, { request: 'x' }, TIME);
    expect('ratio' in inputs).toBe(false);
    expect('tags' in inputs).toBe(false);
  });

  test('a missing required input is named with a hint', () => {
    const error = errorOf(() => resolveInputs(SKILL, {}, TIME));
    expect(error.message).toBe("missing required input 'request' for skill inputs");
    expect(error.hint).toBe('give it with -i request=… (what to do), or pipe it in: … | portai run skill inputs');
  });

  test('an unknown input lists the known ones', () => {
    const error = errorOf(() => resolveInputs(SKILL, { request: 'x', limt: '3' }, TIME));
    expect(error.message).toBe("unknown input 'limt' for skill inputs");
    expect(error.hint).toBe('known inputs: request, limit, ratio, dry, tags, mode, title, day, stamp');
  });

  test('values that cannot be coerced are named', () => {
    expect(errorOf(() => resolveInputs(SKILL, { request: 'x', limit: 'ten' }, TIME)).message).toBe("input 'limit' must be an integer, got 'ten'");
    expect(errorOf(() => resolveInputs(SKILL, { request: 'x', dry: 'maybe' }, TIME)).message).toBe("input 'dry' must be true or false, got 'maybe'");
  });

  test('ajv checks the declared constraints', () => {
    expect(errorOf(() => resolveInputs(SKILL, { request: 'x', limit: '500' }, TIME)).message).toBe("input 'limit' must be <= 50");
    expect(errorOf(() => resolveInputs(SKILL, { request: 'x', limit: 2.5 }, TIME)).message).toBe("input 'limit' must be integer");
    expect(errorOf(() => resolveInputs(SKILL, { request: 'x', mode: 'medium' }, TIME)).message).toBe("input 'mode' must be equal to one of the allowed values: fast, slow");
  });
});

describe('runTime', () => {
  test('today is the date in the run time zone', () => {
    const now = new Date('2026-03-07T23:30:00Z');
    expect(runTime(now, 'UTC')).toEqual({ now_utc: '2026-03-07T23:30:00.000Z', today: '2026-03-07', timezone: 'UTC' });
    expect(runTime(now, 'Asia/Tokyo').today).toBe('2026-03-08');
    expect(runTime(new Date('2026-03-08T02:00:00Z'), 'America/Los_Angeles').today).toBe('2026-03-07');
  });

  test('an unknown zone is bad input', () => {
    expect(errorOf(() => runTime(new Date(), 'Europe/Atlantis')).message).toBe("timezone: unknown time zone 'Europe/Atlantis'");
  });
});
