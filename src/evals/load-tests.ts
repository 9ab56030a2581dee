// Load a skill's tests: the `tests:` block of the skill file, or <name>.tests.yaml beside it (not both).
// Validated like skills (schema, then the checks a schema cannot express), each error naming file, line, field.
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../errors.js';
import { fieldName, parseYaml } from '../load-yaml.js';
import { compileSchema, schemaValidator } from '../schema-validators.js';
import type { Skill } from '../types.js';
import { parseJsonPath } from './json-path.js';
import { unsafeRegexReason } from './safe-regex.js';
import type { Assertion, RenderCase, SkillTests, TestCase } from './types.js';

type Place = (path: Array<string | number>) => { line?: number; column?: number };
interface RawCase {
  id: string;
  inputs?: Record<string, unknown>;
  step?: string;
  now?: string;
  steps?: Record<string, unknown>;
  repeat?: number;
  assert?: Assertion[];
  expect_contains?: string[];
  expect_not_contains?: string[];
}
interface RawTests {
  cases?: RawCase[];
  render?: RawCase[];
}

/** The file beside a skill that holds its tests: skills/hello.yaml → skills/hello.tests.yaml. */
export function testsFileOf(skillFile: string): string | undefined {
  const base = skillFile.replace(/\.ya?ml$/, '');
  return ['.tests.yaml', '.tests.yml'].map((extension) => base + extension).find((file) => fs.existsSync(file));
}

/** The skill's tests, or undefined when it has none. */
export function loadSkillTests(skill: Skill): SkillTests | undefined {
  const inline = parseYaml<{ tests?: RawTests }>(skill.file, skill.source);
  const beside = testsFileOf(skill.file);
  if (inline.value?.tests !== undefined && beside) {
    throw new BadInputError(`the skill has a tests: block and a tests file (${path.basename(beside)})`, {
      place: { file: skill.file, field: 'tests', ...inline.placeOf(['tests']) },
      hint: 'keep the cases in one place: move them into one of the two',
    });
  }
  if (inline.value?.tests !== undefined) return checked(skill, skill.file, inline.value.tests, ['tests'], inline.placeOf);
  if (!beside) return undefined;
  const text = readText(beside);
  const loaded = parseYaml<RawTests>(beside, text, schemaValidator('tests'));
  if (!loaded.value || typeof loaded.value !== 'object') {
    throw new BadInputError('the tests file is empty', { place: { file: beside }, hint: 'add cases: or render:, or delete the file' });
  }
  return checked(skill, beside, loaded.value, [], loaded.placeOf);
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadInputError(`cannot read tests file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { place: { file }, hint: 'check the file permissions' });
  }
}

function checked(skill: Skill, file: string, raw: RawTests, base: Array<string | number>, placeOf: Place): SkillTests {
  const fail = (at: Array<string | number>, message: string, hint: string): never => {
    const full = [...base, ...at];
    throw new BadInputError(message, { place: { file, field: fieldName(full), ...placeOf(full) }, hint });
  };
  const llmSteps = skill.steps.filter((step) => step.kind === 'llm');
  const lastLlm = llmSteps.at(-1)?.id;
  const seen = new Set<string>();

  const common = (kind: 'cases' | 'render', item: RawCase, index: number) => {
    if (seen.has(item.id)) fail([kind, index, 'id'], `duplicate test id '${item.id}'`, 'give every case and render case its own id');
    seen.add(item.id);
    const stepId = item.step ?? lastLlm;
    if (!stepId) fail([kind, index], 'the skill has no LLM step to test', 'tests check the output of a prompt step');
    const step = skill.steps.find((candidate) => candidate.id === stepId);
    if (!step) fail([kind, index, 'step'], `no step '${stepId}' in the skill`, `use one of: ${llmSteps.map((candidate) => candidate.id).join(', ')}`);
    if (step!.kind !== 'llm') fail([kind, index, 'step'], `step '${stepId}' is a ${step!.kind === 'action' ? step!.action : ''} action; only prompt steps are tested`, `use one of: ${llmSteps.map((candidate) => candidate.id).join(', ')}`);
    const inputs = item.inputs ?? {};
    for (const name of skill.required) {
      if (!(name in inputs)) fail([kind, index, 'inputs'], `case '${item.id}' does not give the required input '${name}'`, `add inputs: { ${name}: … }`);
    }
    for (const name of Object.keys(item.steps ?? {})) {
      if (!skill.steps.some((candidate) => candidate.id === name)) fail([kind, index, 'steps', name], `no step '${name}' in the skill`, 'steps: gives the outputs of earlier steps by their id');
    }
    return { id: item.id, inputs, step: stepId!, now: item.now, steps: item.steps ?? {}, file, line: placeOf([...base, kind, index]).line };
  };

  const cases: TestCase[] = (raw.cases ?? []).map((item, index) => {
    const shared = common('cases', item, index);
    const step = skill.steps.find((candidate) => candidate.id === shared.step);
    for (const [at, assertion] of (item.assert ?? []).entries()) {
      const where = ['cases', index, 'assert', at];
      checkAssertion(assertion, step?.kind === 'llm' ? step.schema : undefined, (field, message, hint) => fail([...where, ...field], message, hint));
    }
    return { ...shared, repeat: item.repeat ?? 1, assert: item.assert ?? [] };
  });
  const render: RenderCase[] = (raw.render ?? []).map((item, index) => ({
    ...common('render', item, index),
    expect_contains: item.expect_contains ?? [],
    expect_not_contains: item.expect_not_contains ?? [],
  }));
  return { file, cases, render };
}

type Fail = (field: Array<string | number>, message: string, hint: string) => never;

function checkAssertion(assertion: Assertion, stepSchema: Record<string, unknown> | undefined, fail: Fail): void {
  switch (assertion.type) {
    case 'contains':
    case 'icontains':
    case 'not-contains':
      if (typeof assertion.value !== 'string') fail(['value'], `${assertion.type} needs a text value`, 'write value: "…"');
      return;
    case 'max-length':
    case 'max-cost':
    case 'max-latency':
      if (typeof assertion.value !== 'number' || assertion.value < 0) fail(['value'], `${assertion.type} needs a number of at least 0`, assertion.type === 'max-cost' ? 'value is USD, e.g. 0.01' : assertion.type === 'max-latency' ? 'value is milliseconds, e.g. 20000' : 'value is characters, e.g. 500');
      return;
    case 'regex': {
      const reason = unsafeRegexReason(assertion.pattern ?? '', assertion.flags);
      if (reason) fail(['pattern'], `regex refused: ${reason}`, 'write a simpler pattern (character classes like [a-z]+ instead of nested groups)');
      return;
    }
    case 'json-path':
      if (!parseJsonPath(assertion.path ?? '')) fail(['path'], `'${assertion.path}' is not a supported JSON path`, 'write $.name, $.list[0] or $["a key"]');
      if (assertion.equals === undefined && assertion.contains === undefined) fail([], 'json-path needs equals: or contains:', 'add equals: <value> or contains: "<text>"');
      return;
    case 'json-schema': {
      const schema = assertion.schema ?? stepSchema;
      if (!schema) fail([], 'json-schema with no schema: the step has no output schema', 'add schema: { … } to the assertion, or a schema to the step');
      try {
        compileSchema(schema!);
      } catch (error) {
        fail(['schema'], `the schema does not compile: ${(error as Error).message}`, 'fix the JSON Schema');
      }
      return;
    }
    default:
      return;
  }
}
