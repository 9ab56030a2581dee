// The evals layer in-process: loading tests with their errors, the checks, the regex guard, the statistics,
// render cases, and a judge whose request passes the same guards as any other.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { BadInputError } from '../src/errors.js';
import { loadConfig } from '../src/config/index.js';
import { Ledger, type CatalogModel } from '../src/ledger/index.js';
import { saveCaseRun } from '../src/evals/evidence.js';
import { skillEvidence, type CaseRun } from '../src/evals/index.js';
import { loadSkill } from '../src/skills/index.js';
import { loadSkillTests, runEval, runRenderCases, wilsonLowerBound, median } from '../src/evals/index.js';
import { checkAnswer } from '../src/evals/assertions.js';
import { parseJsonPath, readJsonPath } from '../src/evals/json-path.js';
import { unsafeRegexReason, safeRegexTest, MAX_REGEX_INPUT_CHARS } from '../src/evals/safe-regex.js';
import { silentProgress } from '../src/runner/progress.js';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';

const provider = useFakeProvider();
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-evals-'));
  folders.push(dir);
  return dir;
}

const SKILL = `name: demo
outcome: A greeting.
privacy: public
inputs:
  who: { type: string }
steps:
  - id: greet
    prompt: Greet {{who}}.
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

function skillWith(tests: string, beside?: string) {
  const dir = folder();
  const file = path.join(dir, 'demo.yaml');
  fs.writeFileSync(file, SKILL + tests);
  if (beside !== undefined) fs.writeFileSync(path.join(dir, 'demo.tests.yaml'), beside);
  return loadSkill(file);
}

describe('loading tests', () => {
  test('a tests: block: defaults for step and repeat, lines kept', () => {
    const tests = loadSkillTests(skillWith('tests:\n  cases:\n    - id: a\n      inputs: { who: Ada }\n      assert: [{ type: icontains, value: ada }]\n'));
    expect(tests?.cases[0]).toMatchObject({ id: 'a', step: 'greet', repeat: 1, line: 11 });
  });

  test('schema errors in a tests: block name the skill file, line and field', () => {
    const error = errorOf(() => skillWith('tests:\n  cases:\n    - id: a\n      inputs: { who: Ada }\n      assert: [{ type: contains }]\n'));
    expect(error.userLines()[0]).toMatch(/demo\.yaml:13:\d+ \(tests\.cases\[0\]\.assert\[0\]\.value\): missing required field 'value'/);
  });

  test('a case without a required input, an unknown step, a duplicate id, tests in two places', () => {
    expect(errorOf(() => loadSkillTests(skillWith('tests:\n  cases:\n    - { id: a, assert: [{ type: equals, value: x }] }\n'))).message).toContain("required input 'who'");
    expect(errorOf(() => loadSkillTests(skillWith('', 'render:\n  - { id: a, step: nope, inputs: { who: x } }\n'))).userLines()[0]).toMatch(/demo\.tests\.yaml:2.*render\[0\]\.step.*no step 'nope'/);
    expect(errorOf(() => loadSkillTests(skillWith('', 'render:\n  - { id: a, inputs: { who: x } }\n  - { id: a, inputs: { who: y } }\n'))).message).toContain("duplicate test id 'a'");
    expect(errorOf(() => loadSkillTests(skillWith('tests:\n  render: [{ id: a, inputs: { who: x } }]\n', 'render: []\n'))).message).toContain('a tests: block and a tests file');
  });

  test('json-schema needs a schema: the step has none here', () => {
    expect(errorOf(() => loadSkillTests(skillWith('', 'cases:\n  - { id: a, inputs: { who: x }, assert: [{ type: json-schema }] }\n'))).message).toContain('the step has no output schema');
  });
});

describe('checks', () => {
  const answer = (output: unknown, extra = {}) => ({ output, cost_usd: 0.002, latency_ms: 1500, ...extra });
  test('each assertion type passes and fails where it should', () => {
    expect(checkAnswer({ type: 'equals', value: 'Hi' }, answer(' Hi ')).pass).toBe(true);
    expect(checkAnswer({ type: 'equals', value: { a: 1 } }, answer({ a: 2 })).pass).toBe(false);
    expect(checkAnswer({ type: 'contains', value: 'Ada' }, answer('Hello Ada')).pass).toBe(true);
    expect(checkAnswer({ type: 'contains', value: 'ada' }, answer('Hello Ada')).pass).toBe(false);
    expect(checkAnswer({ type: 'icontains', value: 'ada' }, answer('Hello Ada')).pass).toBe(true);
    expect(checkAnswer({ type: 'not-contains', value: 'sorry' }, answer('Sorry, I cannot')).pass).toBe(true);
    expect(checkAnswer({ type: 'regex', pattern: '^\\d{4}-\\d{2}', flags: '' }, answer({ start: '2026-03' })).pass).toBe(false);
    expect(checkAnswer({ type: 'regex', pattern: '\\d{4}-\\d{2}' }, answer({ start: '2026-03' })).pass).toBe(true);
    expect(checkAnswer({ type: 'json-schema' }, answer({ title: 'x' }, { schema: { type: 'object', required: ['title'] } })).pass).toBe(true);
    expect(checkAnswer({ type: 'json-schema', schema: { type: 'object', required: ['end'] } }, answer({ title: 'x' })).detail).toContain("must have required property 'end'");
    expect(checkAnswer({ type: 'json-path', path: '$.items[1].name', equals: 'b' }, answer({ items: [{ name: 'a' }, { name: 'b' }] })).pass).toBe(true);
    expect(checkAnswer({ type: 'json-path', path: '$.items[2].name', equals: 'b' }, answer({ items: [] })).detail).toContain('is missing');
    expect(checkAnswer({ type: 'json-path', path: '$.title', contains: 'dent' }, answer('{"title": "dentist"}')).pass).toBe(true);
    expect(checkAnswer({ type: 'max-length', value: 5 }, answer('123456')).pass).toBe(false);
    expect(checkAnswer({ type: 'max-cost', value: 0.001 }, answer('x')).pass).toBe(false);
    expect(checkAnswer({ type: 'max-latency', value: 2000 }, answer('x')).pass).toBe(true);
  });

  test('json paths: only $, .name, [n] and quoted keys; no filters or scripts', () => {
    expect(parseJsonPath('$.a["b c"][0]')).toEqual(['a', 'b c', 0]);
    expect(parseJsonPath('$..a')).toBeNull();
    expect(parseJsonPath('$[?(@.a)]')).toBeNull();
    expect(readJsonPath({ a: { constructor: 1 } }, ['a', 'toString'])).toEqual({ found: false });
  });

  test('regex guard: nested quantifiers and back-references refused, input capped', () => {
    expect(unsafeRegexReason('(a+)+$')).toContain('exponential');
    expect(unsafeRegexReason('(a|aa)*b')).toContain('exponential');
    expect(unsafeRegexReason('(\\w+)\\s\\1')).toContain('back-references');
    expect(unsafeRegexReason('[(a+)+]x')).toBeNull();
    expect(unsafeRegexReason('^(\\d{2}):(\\d{2})$')).toBeNull();
    expect(unsafeRegexReason('(')).toContain('not a valid');
    expect(safeRegexTest('b$', '', `${'a'.repeat(MAX_REGEX_INPUT_CHARS)}b`)).toBe(false);
  });

  test('Wilson lower bound and median', () => {
    expect(wilsonLowerBound(0, 0)).toBe(0);
    expect(wilsonLowerBound(9, 10)).toBeCloseTo(0.596, 3);
    expect(wilsonLowerBound(2, 2)).toBeCloseTo(0.342, 3);
    expect(wilsonLowerBound(95, 100)).toBeGreaterThan(wilsonLowerBound(3, 3));
    expect(median([30, 10, 20])).toBe(20);
    expect(median([])).toBeNull();
  });
});

describe('render cases', () => {
  test('pass, and fail naming what is missing or unexpected', () => {
    const skill = skillWith('tests:\n  render:\n    - { id: ok, inputs: { who: Ada }, expect_contains: [Greet Ada.] }\n    - { id: no, inputs: { who: Bob }, expect_contains: [Ada], expect_not_contains: [Bob] }\n');
    const tests = loadSkillTests(skill)!;
    const config = loadConfig({ env: {}, cwd: folder() });
    const results = runRenderCases(skill, tests.render, config, {});
    expect(results).toEqual([
      { case_id: 'ok', pass: true, problems: [] },
      { case_id: 'no', pass: false, problems: ['missing "Ada"', 'unexpected "Bob"'] },
    ]);
  });
});

describe('judge', () => {
  function setup(extraModels = '') {
    const dir = folder();
    fs.writeFileSync(path.join(dir, 'portai.yaml'), `budget: { usd_per_day: 0 }
providers:
  local:
    preset: openai-compatible
    base_url: ${provider.url}/v1
    api_key_env: LOCAL_KEY
    billing: free
    models: [{ id: answerer, context: 32000 }, { id: grader, context: 32000 }]
  paid:
    preset: openai-compatible
    base_url: ${provider.url}/v1
    api_key_env: LOCAL_KEY
    models: [{ id: pricey, price: { input: 1, output: 2 }, max_output: 1000 }${extraModels}]
routes:
  - use: [paid/pricey, local/grader, local/answerer]
`);
    const env = { LOCAL_KEY: 'k' };
    return { config: loadConfig({ env, cwd: dir }), ledger: new Ledger(path.join(dir, 'ledger.db')), env };
  }

  test('the grader is a free candidate of the route, its request recorded like any other', async () => {
    const { config, ledger, env } = setup();
    const skill = skillWith('tests:\n  cases:\n    - id: j\n      inputs: { who: Ada }\n      assert: [{ type: judge, rubric: "greets Ada by name" }]\n');
    provider.reply((request) => (request.model === 'grader' ? { json: { pass: true, reason: 'it greets Ada' } } : { text: 'Hello Ada!' }));
    try {
      const report = await runEval({ config, ledger, skill, tests: loadSkillTests(skill)!, models: ['local/answerer'], env, progress: silentProgress });
      expect(report.runs[0]).toMatchObject({ status: 'pass', checks: [{ type: 'judge', pass: true, detail: 'it greets Ada (graded by local/grader)' }] });
      const models = provider.requests.map((request) => (request.body as { model: string }).model);
      expect(models).toEqual(['answerer', 'grader']);
      const evalRun = ledger.db.statement("SELECT model FROM attempts WHERE run_id LIKE 'eval-%' ORDER BY started_ms").all() as Array<{ model: string }>;
      expect(evalRun.map((row) => row.model)).toEqual(['answerer', 'grader']);
    } finally {
      ledger.close();
    }
  });

  test('a metered grader named by the case still meets the spend guard: budget 0 refuses it, the case is not run', async () => {
    const { config, ledger, env } = setup();
    const skill = skillWith('tests:\n  cases:\n    - id: j\n      inputs: { who: Ada }\n      assert: [{ type: judge, rubric: "greets Ada", model: paid/pricey }]\n');
    provider.reply(() => ({ text: 'Hello Ada!' }));
    try {
      const report = await runEval({ config, ledger, skill, tests: loadSkillTests(skill)!, models: ['local/answerer'], env, progress: silentProgress });
      expect(report.runs[0].status).toBe('not_run');
      expect(report.runs[0].problem).toContain('judge');
      expect(provider.requests.map((request) => (request.body as { model: string }).model)).toEqual(['answerer']);
    } finally {
      ledger.close();
    }
  });

  test('the default candidates are those the route allows after the guards: the metered one is refused at budget 0', async () => {
    const { config, ledger, env } = setup();
    const skill = skillWith('tests:\n  cases:\n    - id: c\n      inputs: { who: Ada }\n      assert: [{ type: icontains, value: ada }]\n');
    provider.reply(() => ({ text: 'Hello Ada!' }));
    try {
      const report = await runEval({ config, ledger, skill, tests: loadSkillTests(skill)!, env, progress: silentProgress });
      expect(report.candidates).toEqual(['local/grader', 'local/answerer']);
      expect(report.rejected.map((rejection) => [rejection.ref, rejection.guard])).toEqual([['paid/pricey', 'spend']]);
      expect(provider.requests.map((request) => (request.body as { model: string }).model)).not.toContain('pricey');
    } finally {
      ledger.close();
    }
  });
});

describe('evidence goes stale when the catalog entry it was measured on changes', () => {
  test('a changed price or context, or removal from the catalog, makes the results stale; an unsynced provider keeps them', () => {
    const dir = folder();
    const ledger = new Ledger(path.join(dir, 'ledger.db'));
    const skill = skillWith('');
    const row = (overrides: Partial<CatalogModel> = {}): CatalogModel => ({ id: 'vendor/a:free', prompt_price: 0, completion_price: 0, context: 64000, expiration: null, raw: null, ...overrides });
    const pass = (candidate: string): CaseRun => ({ case_id: 'c', candidate, served_model: null, status: 'pass', checks: [], cost_usd: 0, latency_ms: 10 });
    const now = Date.parse('2026-03-04T12:00:00Z');
    try {
      ledger.saveCatalog('or', [row()], now - 1000);
      saveCaseRun(ledger, skill, pass('or/vendor/a:free'), now);
      saveCaseRun(ledger, skill, pass('local/never-synced'), now);
      const fresh = (at = now) => skillEvidence(ledger, skill, at).fresh.map((result) => result.candidate);
      expect(fresh()).toEqual(['or/vendor/a:free', 'local/never-synced']);

      ledger.saveCatalog('or', [row({ prompt_price: 0.5 })], now + 1000);
      expect(fresh()).toEqual(['local/never-synced']);
      expect(skillEvidence(ledger, skill, now).stale).toBe(1);
      // the same entry as when it was measured: it speaks again
      ledger.saveCatalog('or', [row()], now + 2000);
      expect(fresh()).toEqual(['or/vendor/a:free', 'local/never-synced']);
      ledger.saveCatalog('or', [row({ context: 8000 })], now + 3000);
      expect(fresh()).toEqual(['local/never-synced']);
      ledger.saveCatalog('or', [row({ id: 'vendor/other:free' })], now + 4000);
      expect(fresh()).toEqual(['local/never-synced']);
      expect(ledger.evalResultsOf(skill.name)[0].catalog_entry).toBe('price 0/0, context 64000');
    } finally {
      ledger.close();
    }
  });
});
