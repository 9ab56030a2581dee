// Loading skill files: YAML and schema errors with file:line:column and field, semantic checks, finding by name.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { BadInputError } from '../src/errors.js';
import { findSkillFile, listSkills, loadSkill, validateSkillFiles } from '../src/skills/index.js';

const GOOD = `name: demo
outcome: A greeting.
inputs:
  who: { type: string }
  style: { type: string, required: false }
  count: { type: integer, default: 2 }
steps:
  - id: greet
    prompt: Greet {{who}} {{count}} times.
  - id: post
    http: { method: POST, url: "https://example.test/{{who}}", json: { text: "{{steps.greet}}" } }
`;

function errorOf(run: () => unknown): BadInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof BadInputError) return error;
    throw error;
  }
  throw new Error('expected a BadInputError');
}

describe('loadSkill', () => {
  test('a good file becomes a Skill with kinds, defaults and the required rule', () => {
    const skill = loadSkill('skills/demo.yaml', GOOD);
    expect(skill.name).toBe('demo');
    expect(skill.hash).toBe(createHash('sha256').update(GOOD).digest('hex'));
    expect(skill.required).toEqual(['who']);
    expect(skill.inputs.style).toEqual({ type: 'string' });
    expect(skill.tags).toEqual([]);
    expect(skill.env).toEqual([]);
    expect(skill.steps[0]).toMatchObject({ kind: 'llm', id: 'greet', effort: 'low' });
    expect(skill.steps[1]).toMatchObject({ kind: 'action', action: 'http', spec: { method: 'POST' } });
    expect(skill.commit).toBeUndefined();
  });

  test('a schedule written as a string becomes {cron}', () => {
    const skill = loadSkill('s.yaml', `${GOOD}schedule: "0 8 * * *"\ndeadline: 6h\nnotify: { command: "echo late" }\n`);
    expect(skill.schedule).toEqual({ cron: '0 8 * * *' });
    expect(skill.deadline).toBe('6h');
  });

  test('malformed YAML names line and column', () => {
    const error = errorOf(() => loadSkill('skills/bad.yaml', 'name: demo\noutcome: [unclosed\nsteps: []\n'));
    expect(error.place?.file).toBe('skills/bad.yaml');
    expect(error.place?.line).toBeGreaterThanOrEqual(2);
    expect(error.place?.column).toBeGreaterThan(0);
    expect(error.message).toMatch(/YAML syntax error/);
  });

  test('an unknown key names the field and its line', () => {
    const text = GOOD.replace('    prompt: Greet', '    promt: oops\n    prompt: Greet');
    const error = errorOf(() => loadSkill('skills/demo.yaml', text));
    expect(error.message).toBe("unknown field 'promt'");
    expect(error.place).toMatchObject({ field: 'steps[0].promt', line: 9, column: 5 });
    expect(error.userLines()[0]).toBe("skills/demo.yaml:9:5 (steps[0].promt): unknown field 'promt'");
  });

  test('a wrong type names the field', () => {
    const error = errorOf(() => loadSkill('skills/demo.yaml', GOOD.replace('    prompt: Greet', '    max_output_tokens: many\n    prompt: Greet')));
    expect(error.message).toMatch(/must be integer/);
    expect(error.place).toMatchObject({ field: 'steps[0].max_output_tokens', line: 9 });
  });

  test('a bad effort lists the allowed values', () => {
    const error = errorOf(() => loadSkill('skills/demo.yaml', GOOD.replace('    prompt: Greet', '    effort: extreme\n    prompt: Greet')));
    expect(error.message).toBe('must be one of: low, medium, high');
    expect(error.place?.field).toBe('steps[0].effort');
  });

  test('a duplicate step id points at the second one and names the first line', () => {
    const error = errorOf(() => loadSkill('skills/demo.yaml', GOOD.replace('id: post', 'id: greet')));
    expect(error.message).toBe("duplicate step id 'greet' (first used at line 8)");
    expect(error.place).toMatchObject({ field: 'steps[1].id', line: 10 });
  });

  test('a step id must be lower case', () => {
    const error = errorOf(() => loadSkill('skills/demo.yaml', GOOD.replace('id: post', 'id: Post')));
    expect(error.place?.field).toBe('steps[1].id');
    expect(error.message).toMatch(/pattern/);
  });

  test('a step is one kind', () => {
    const both = errorOf(() => loadSkill('s.yaml', GOOD.replace('    http:', '    prompt: hi\n    http:')));
    expect(both.message).toBe("step 'post' has both prompt and http");
    const none = errorOf(() => loadSkill('s.yaml', 'name: x\noutcome: y\nsteps:\n  - id: a\n'));
    expect(none.message).toMatch(/has no prompt, http or calendar/);
    const stray = errorOf(() => loadSkill('s.yaml', GOOD.replace('    http:', '    effort: high\n    http:')));
    expect(stray.message).toBe("'effort' belongs to LLM steps, not to the http step 'post'");
  });

  test('an output schema that is not JSON Schema is caught', () => {
    const error = errorOf(() => loadSkill('s.yaml', GOOD.replace('    prompt: Greet', '    schema: { type: objekt }\n    prompt: Greet')));
    expect(error.place?.field).toBe('steps[0].schema');
    expect(error.message).toMatch(/not a valid JSON Schema/);
  });

  test('an input may not hide a built-in', () => {
    const error = errorOf(() => loadSkill('s.yaml', GOOD.replace('  count:', '  today: { type: string }\n  count:')));
    expect(error.message).toBe("input 'today' hides the built-in 'today'");
  });

  test('a missing file is bad input', () => {
    const error = errorOf(() => loadSkill(path.join(os.tmpdir(), 'portai-no-such-skill.yaml')));
    expect(error.message).toMatch(/cannot read skill file: ENOENT/);
  });
});

describe('finding and listing', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  function folder(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-skills-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
  }

  test('a skill loads alone even when a sibling is broken', () => {
    const dir = folder({ 'demo.yaml': GOOD, 'broken.yaml': 'name: [' });
    const file = findSkillFile('demo', [dir]);
    expect(file).toBe(path.join(dir, 'demo.yaml'));
    expect(loadSkill(file).name).toBe('demo');
  });

  test('the first folder wins and .yml is found', () => {
    const first = folder({ 'demo.yml': GOOD });
    const second = folder({ 'demo.yaml': GOOD });
    expect(findSkillFile('demo', [first, second])).toBe(path.join(first, 'demo.yml'));
  });

  test('not found lists where it looked and what exists', () => {
    const dir = folder({ 'demo.yaml': GOOD, 'other.yml': GOOD, 'notes.txt': 'x' });
    const error = errorOf(() => findSkillFile('dmeo', [dir]));
    expect(error.message).toContain(path.join(dir, 'dmeo.yaml'));
    expect(error.hint).toBe('skills available: demo, other');
  });

  test('listSkills lists a broken file with its error; validateSkillFiles checks each file', () => {
    const dir = folder({ 'demo.yaml': GOOD.replace('name: demo', 'name: demo\ndescription: Says hi'), 'broken.yaml': 'name: x\nsteps: 3\n' });
    const listed = listSkills([dir]);
    expect(listed.map((item) => item.name)).toEqual(['broken', 'demo']);
    expect(listed[1]).toEqual({ name: 'demo', file: path.join(dir, 'demo.yaml'), description: 'Says hi' });
    expect(listed[0].error).toContain('broken.yaml');
    const results = validateSkillFiles(listed.map((item) => item.file));
    expect(results.map((result) => result.ok)).toEqual([false, true]);
    expect(results[0].error).toMatch(/broken\.yaml:\d+/);
  });
});
