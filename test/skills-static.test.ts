// The static template check: every variable a template names must exist before anything is sent.
import { describe, expect, test } from 'vitest';
import { BadInputError } from '../src/errors.js';
import { loadSkill } from '../src/skills/index.js';

function skillText(steps: string, extra = ''): string {
  return `name: check
outcome: Something useful.
env: [API_TOKEN]
inputs:
  topic: { type: string }
  when_text: { type: string, default: "{{today}}" }
${extra}steps:
${steps}`;
}

function errorOf(text: string): BadInputError {
  try {
    loadSkill('skills/check.yaml', text);
  } catch (error) {
    if (error instanceof BadInputError) return error;
    throw error;
  }
  throw new Error('expected the static check to fail');
}

describe('static check', () => {
  test('inputs, now, today, declared env and earlier steps pass', () => {
    const skill = loadSkill('skills/check.yaml', skillText(`  - id: first
    prompt: "{{topic}} {{now}} {{today}} {{when_text}}"
    schema: { type: object }
  - id: second
    when: "{{not (eq steps.first 'skip')}}"
    system: "Token {{env.API_TOKEN}}"
    prompt: |
      {{#each steps.first.items}}{{@index}} {{title}} {{this.url}} {{../topic}} {{@root.topic}}{{/each}}
      {{#with steps.first}}{{summary}}{{/with}}
      {{json steps.first.items pretty=true}} {{join (lookup steps.first 'tags') ", "}} {{default topic "x"}}
`));
    expect(skill.steps).toHaveLength(2);
  });

  test('an unknown variable is named with its step, field and line', () => {
    const error = errorOf(skillText(`  - id: first
    prompt: "About {{topik}}"
`));
    expect(error.message).toBe("step 'first': unknown template variable 'topik'");
    expect(error.place).toMatchObject({ file: 'skills/check.yaml', field: 'steps[0].prompt', line: 9 });
    expect(error.hint).toContain('topic');
  });

  test("a field of an earlier step without a schema is refused: that step's output is text", () => {
    const error = errorOf(skillText(`  - id: first
    prompt: "Pick a title for {{topic}}"
  - id: second
    prompt: |
      Use {{steps.first}} as is.
      Then {{#if steps.first.title}}{{steps.first.title}}{{/if}}
`));
    expect(error.message).toBe("step 'second': steps.first is text, not an object, so '{{steps.first.title}}' cannot be read (step first has no schema:) (line 2 of the template)");
    expect(error.place).toMatchObject({ file: 'skills/check.yaml', field: 'steps[1].prompt', line: 11 });
    expect(error.hint).toBe('give step first a `schema:` so its output is JSON, or use {{steps.first}}');
  });

  test('a field of an action step or of a step with a schema passes: their output may be an object', () => {
    const skill = loadSkill('skills/check.yaml', skillText(`  - id: fetch
    http: { url: "https://example.com/{{topic}}" }
  - id: first
    prompt: "Sum up {{json steps.fetch.results}}"
    schema: { type: object, properties: { title: { type: string } } }
  - id: second
    prompt: "{{steps.first.title}} {{steps.fetch.next}}"
`));
    expect(skill.steps).toHaveLength(3);
  });

  test('a later step is refused', () => {
    const error = errorOf(skillText(`  - id: first
    prompt: "{{steps.second.text}}"
  - id: second
    prompt: hi
`));
    expect(error.message).toBe("step 'first': uses steps.second, but step 'second' has not run yet at this point");
    expect(error.place?.field).toBe('steps[0].prompt');
  });

  test('a step cannot read itself', () => {
    const error = errorOf(skillText(`  - id: first
    prompt: "{{steps.first}}"
`));
    expect(error.message).toMatch(/step 'first' has not run yet/);
  });

  test('an unknown step is refused', () => {
    const error = errorOf(skillText(`  - id: first
    prompt: hi
  - id: second
    prompt: "{{steps.frist}}"
`));
    expect(error.message).toBe("step 'second': no step 'frist' before this one (steps.frist)");
    expect(error.hint).toBe('earlier steps: first');
  });

  test('an undeclared env variable is refused', () => {
    const error = errorOf(skillText(`  - id: first
    http:
      url: https://example.test
      headers: { Authorization: "Bearer {{env.OTHER_KEY}}" }
`));
    expect(error.message).toBe("step 'first': env.OTHER_KEY is not declared");
    expect(error.place).toMatchObject({ field: 'steps[0].http.headers.Authorization', line: 11 });
    expect(error.hint).toContain('env: [API_TOKEN, OTHER_KEY]');
  });

  test('strings deep inside action blocks are checked', () => {
    const error = errorOf(skillText(`  - id: first
    http: { url: https://example.test, json: { items: [ { name: "{{nope}}" } ] } }
`));
    expect(error.place?.field).toBe('steps[0].http.json.items[0].name');
  });

  test('when is checked', () => {
    const error = errorOf(skillText(`  - id: first
    when: "{{enabled}}"
    prompt: hi
`));
    expect(error.place?.field).toBe('steps[0].when');
  });

  test('input defaults see inputs, now and today, but not steps or env', () => {
    const error = errorOf(skillText(`  - id: first
    prompt: hi
`).replace('default: "{{today}}"', 'default: "{{env.API_TOKEN}}"'));
    expect(error.message).toBe("input 'when_text': unknown template variable 'env.API_TOKEN'");
    expect(error.place?.field).toBe('inputs.when_text.default');
  });

  test('an unknown helper is refused', () => {
    const error = errorOf(skillText(`  - id: first
    prompt: "{{upper topic}}"
`));
    expect(error.message).toBe("step 'first': unknown helper 'upper'");
  });

  test('the template line is named for multi-line prompts', () => {
    const error = errorOf(skillText(`  - id: first
    prompt: |
      line one {{topic}}
      line two {{missing}}
`));
    expect(error.message).toBe("step 'first': unknown template variable 'missing' (line 2 of the template)");
  });

  test('a template syntax error names the field', () => {
    const error = errorOf(skillText(`  - id: first
    prompt: "{{#if topic}}open"
`));
    expect(error.message).toMatch(/template syntax error/);
    expect(error.place?.field).toBe('steps[0].prompt');
  });
});
