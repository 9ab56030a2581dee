// The example skills in skills/ load, and say what the docs promise.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { listSkills, loadSkill, resolveInputs, runTime, validateSkillFiles } from '../src/skills/index.js';
import { loadSkillTests, runRenderCases } from '../src/evals/index.js';
import { loadConfig } from '../src/config/index.js';

const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'skills');
const file = (name: string) => path.join(folder, `${name}.yaml`);
const TIME = runTime(new Date('2026-03-07T10:00:00Z'), 'Europe/London');

describe('shipped skills', () => {
  test('every file in skills/ loads', () => {
    const listed = listSkills([folder]);
    expect(listed.map((item) => item.name)).toEqual(expect.arrayContaining(['calendar-update', 'hello', 'typefully-digest']));
    expect(listed.filter((item) => item.error)).toEqual([]);
    expect(validateSkillFiles(listed.map((item) => item.file)).every((result) => result.ok)).toBe(true);
  });

  test('hello needs no input', () => {
    const skill = loadSkill(file('hello'));
    expect(skill.name).toBe('hello');
    expect(resolveInputs(skill, {}, TIME)).toEqual({ name: 'world' });
  });

  test('calendar-update extracts a dated event, then saves it to a calendar', () => {
    const skill = loadSkill(file('calendar-update'));
    expect(skill.required).toEqual(['request']);
    expect(resolveInputs(skill, { request: 'dentist on Friday at 3pm' }, TIME)).toEqual({ request: 'dentist on Friday at 3pm', timezone: 'Europe/London' });
    const [extract, save] = skill.steps;
    expect(extract.kind === 'llm' && extract.schema?.required).toEqual(['title', 'start', 'end']);
    expect(save).toMatchObject({ kind: 'action', action: 'calendar', spec: { action: 'upsert', target: "{{default calendar 'default'}}" } });
  });

  test('typefully-digest reads its key from env and fetches published drafts', () => {
    const skill = loadSkill(file('typefully-digest'));
    expect(skill.env).toEqual(['TYPEFULLY_API_KEY']);
    expect(skill.required).toEqual([]);
    expect(resolveInputs(skill, { limit: '5' }, TIME)).toEqual({ limit: 5, api_base: 'https://api.typefully.com' });
    const fetch = skill.steps.find((step) => step.id === 'fetch');
    expect(fetch?.kind === 'action' && String(fetch.spec.url)).toContain('/drafts?status=published&order_by=-published_at&limit={{limit}}');
    expect(skill.steps.at(-1)).toMatchObject({ kind: 'llm', effort: 'low' });
  });

  test.each(['hello', 'calendar-update', 'typefully-digest'])('%s has real tests, and its offline render cases pass', (name) => {
    const skill = loadSkill(file(name));
    const tests = loadSkillTests(skill);
    expect(tests?.file).toBe(path.join(folder, `${name}.tests.yaml`));
    expect(tests!.cases.length).toBeGreaterThan(0);
    expect(tests!.cases.every((testCase) => testCase.assert.length > 0)).toBe(true);
    const config = loadConfig({ env: {}, cwd: folder });
    expect(runRenderCases(skill, tests!.render, config, {})).toEqual(tests!.render.map((testCase) => ({ case_id: testCase.id, pass: true, problems: [] })));
  });
});
