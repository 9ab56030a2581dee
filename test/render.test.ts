// Golden render cases (test/golden/render-cases.yaml) plus the error's place and the compile cache.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { BadInputError } from '../src/errors.js';
import { renderTemplate } from '../src/skills/index.js';

interface Case {
  name: string;
  template: string;
  data: Record<string, unknown>;
  expect?: string;
  error?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const cases = parse(fs.readFileSync(path.join(here, 'golden', 'render-cases.yaml'), 'utf8')) as Case[];
const where = { file: 'skills/example.yaml', field: 'steps[0].prompt' };

describe('golden render cases', () => {
  test('the case file has both kinds of case', () => {
    expect(cases.filter((item) => item.expect !== undefined).length).toBeGreaterThan(10);
    expect(cases.filter((item) => item.error !== undefined).length).toBeGreaterThan(3);
  });

  for (const item of cases) {
    test(item.name, () => {
      if (item.error === undefined) {
        expect(renderTemplate(item.template, item.data, where)).toBe(item.expect);
        return;
      }
      let caught: unknown;
      try {
        renderTemplate(item.template, item.data, where);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(BadInputError);
      expect((caught as BadInputError).message).toContain(item.error);
    });
  }
});

describe('render errors', () => {
  test('a missing variable names the file and the field', () => {
    let caught: BadInputError | undefined;
    try {
      renderTemplate('Dear {{person}}', {}, where);
    } catch (error) {
      caught = error as BadInputError;
    }
    expect(caught?.place).toMatchObject(where);
    expect(caught?.userLines()[0]).toBe("skills/example.yaml (steps[0].prompt): template variable 'person' is not defined");
    expect(caught?.userLines()[1]).toContain('fix:');
  });

  test("a field of a text step output is portai's error with the fix, not Handlebars' own wording", () => {
    let caught: BadInputError | undefined;
    try {
      renderTemplate('Title: {{steps.first.title}}', { steps: { first: 'Dentist on Friday at 3pm' } }, where);
    } catch (error) {
      caught = error as BadInputError;
    }
    expect(caught).toBeInstanceOf(BadInputError);
    expect(caught?.userLines()).toEqual([
      "skills/example.yaml (steps[0].prompt): template variable 'steps.first.title': steps.first is text, not an object",
      '  fix: give step first a `schema:` of type object so its output is a JSON object, or use {{steps.first}}',
    ]);
  });

  test('a cached template still renders each context on its own', () => {
    const template = 'n={{n}}';
    expect(renderTemplate(template, { n: 1 }, where)).toBe('n=1');
    expect(renderTemplate(template, { n: 2 }, where)).toBe('n=2');
    expect(() => renderTemplate(template, {}, where)).toThrow(/'n' is not defined/);
  });
});
