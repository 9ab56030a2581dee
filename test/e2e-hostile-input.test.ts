// Issue 11, items 3 and 4, through the CLI as a child process: a skill name cannot leave the skills folders
// (a real skill file outside them must never load, let alone run), and prototype keys are refused, in the
// inputs (as unknown inputs) and in templates (by the static check, naming file, step and variable). In
// every case the exit code is 2 and the loopback fake provider records that nothing was sent.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, localConfig, HELLO_SKILL, type Workspace } from './helpers/workspace.js';
import { repoRoot } from './helpers/cli.js';
import { SKILL_NAME_PATTERN } from '../src/skills/skill-ref.js';
import { renderTemplate } from '../src/skills/index.js';

const KEY = 'sk-local-hostile-7e1d3c5b9a';
const provider = useFakeProvider();
let workspace: Workspace | undefined;
afterEach(() => {
  workspace?.cleanup();
  workspace = undefined;
});

const posts = () => provider.requests.filter((request) => request.method === 'POST');
const EVIL_MARK = 'EVIL-SKILL-SOURCE-MARK';
const EVIL_SKILL = `name: evil
outcome: Something the user never asked for. ${EVIL_MARK}
privacy: public
steps:
  - id: run
    prompt: This must never be sent.
`;

function setup(skills: Record<string, string> = { greet: HELLO_SKILL }): Workspace {
  workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/small-model]\n'), skills, { LOCAL_KEY: KEY });
  // a valid skill outside every skills folder, one and two levels up
  fs.mkdirSync(path.join(workspace.dir, 'outside'), { recursive: true });
  fs.writeFileSync(path.join(workspace.dir, 'outside', 'evil.yaml'), EVIL_SKILL);
  fs.writeFileSync(path.join(path.dirname(workspace.dir), `${path.basename(workspace.dir)}-evil.yaml`), EVIL_SKILL);
  return workspace;
}

afterEach(() => {
  if (!workspace) return;
  fs.rmSync(path.join(path.dirname(workspace.dir), `${path.basename(workspace.dir)}-evil.yaml`), { force: true });
});

describe('a skill name cannot leave the skills folders', () => {
  it('run skill, skills show and skills history refuse paths with exit 2, and nothing outside is read or sent', async () => {
    const space = setup();
    const outside = path.join(space.dir, 'outside', 'evil');
    const cases = [
      ['run', 'skill', '../outside/evil'],
      ['run', 'skill', `../../${path.basename(space.dir)}-evil`],
      ['run', 'skill', outside, '--dry-run'],
      ['run', 'skill', 'greet/../../outside/evil'],
      ['run', 'skill', '../outside/evil@HEAD'],
      ['run', 'skill', 'greet.yaml'],
      ['skills', 'show', '../outside/evil'],
      ['skills', 'show', outside],
      ['skills', 'history', '../outside/evil'],
      ['skills', 'show', 'Greet'],
    ];
    for (const args of cases) {
      const result = await space.run(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain('is not a skill name');
      expect(result.stderr).not.toContain('    at ');
      expect(result.stdout + result.stderr).not.toContain(EVIL_MARK);
    }
    expect(posts()).toHaveLength(0);
    // the real skill still runs
    provider.enqueue({ text: 'hello' });
    expect((await space.run(['run', 'skill', 'greet', '-i', 'name=Ada'])).code).toBe(0);
  }, 60_000);

  it('name@rev refuses revisions that are paths, ranges or git options, before git is asked', async () => {
    const space = setup();
    execFileSync('git', ['init', '-q'], { cwd: space.dir });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '.'], { cwd: space.dir });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'skills'], { cwd: space.dir });
    for (const ref of ['greet@HEAD:../outside/evil.yaml', 'greet@HEAD..HEAD', 'greet@--output=/tmp/x', 'greet@HEAD ~1', 'greet@../outside']) {
      const result = await space.run(['run', 'skill', ref, '-i', 'name=Ada']);
      expect(result.code, `${ref}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain('is not a git revision portai accepts');
    }
    expect(posts()).toHaveLength(0);
    provider.enqueue({ text: 'hello from the committed greet' });
    const committed = await space.run(['run', 'skill', 'greet@HEAD', '-i', 'name=Ada']);
    expect(committed.code, committed.stderr).toBe(0);
    expect(posts()).toHaveLength(1);
  }, 60_000);

  it('the pattern is the skill schema name pattern', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas', 'skill.schema.json'), 'utf8')) as { properties: { name: { pattern: string } } };
    expect(SKILL_NAME_PATTERN.source).toBe(schema.properties.name.pattern);
  });
});

describe('prototype keys in inputs are unknown inputs', () => {
  const cases: Array<{ args: string[]; name: string }> = [
    { args: ['-i', '__proto__=x'], name: '__proto__' },
    { args: ['-i', 'constructor=x'], name: 'constructor' },
    { args: ['-i', 'prototype=x'], name: 'prototype' },
    { args: ['-i', 'toString=x'], name: 'toString' },
    { args: ['--input-json', '{"name":"Ada","__proto__":{"name":"Eve","polluted":true}}'], name: '__proto__' },
    { args: ['--input-json', '{"name":"Ada","constructor":{"prototype":{"polluted":true}}}'], name: 'constructor' },
  ];

  it.each(cases)('$args is refused with exit 2 naming $name, and nothing is sent', async ({ args, name }) => {
    const space = setup();
    const result = await space.run(['run', 'skill', 'greet', '-i', 'name=Ada', ...args]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`unknown input '${name}' for skill greet`);
    expect(result.stderr).toContain('known inputs: name');
    expect(posts()).toHaveLength(0);
  });
});

describe('prototype names on the command line find no provider', () => {
  it('--use constructor/x, providers unblock constructor and models sync __proto__ are exit 2 naming the provider', async () => {
    const space = setup();
    const use = await space.run(['run', 'skill', 'greet', '-i', 'name=Ada', '--use', 'constructor/x']);
    expect(use.code, use.stderr).toBe(2);
    expect(use.stderr).toContain('names provider "constructor", which is not configured');
    const unblock = await space.run(['providers', 'unblock', 'constructor']);
    expect(unblock.code, unblock.stdout + unblock.stderr).toBe(2);
    const sync = await space.run(['models', 'sync', '__proto__']);
    expect(sync.code).toBe(2);
    expect(sync.stderr).toContain("no provider named '__proto__'");
    expect(posts()).toHaveLength(0);
  }, 60_000);
});

describe('templates never reach constructor, __proto__ or prototype', () => {
  const skill = (template: string, inputs = '  name: { type: string }\n  items: { type: array, default: [] }\n') => `name: proto
outcome: A greeting.
privacy: public
inputs:
${inputs}steps:
  - id: first
    prompt: Say hello to {{name}}.
  - id: greet
    prompt: "${template}"
`;
  const cases: Array<{ template: string; variable: string }> = [
    { template: '{{name.constructor}}', variable: "'name.constructor'" },
    { template: '{{name.constructor.constructor}}', variable: "'name.constructor.constructor'" },
    { template: '{{steps.first.__proto__}}', variable: "'steps.first.__proto__'" },
    { template: '{{#each items}}{{this.constructor}}{{/each}}', variable: "'this.constructor'" },
    { template: '{{#with name}}{{__defineGetter__}}{{/with}}', variable: "'__defineGetter__'" },
    { template: '{{@root.constructor}}', variable: "'@root.constructor'" },
    { template: '{{json (lookup name \\"constructor\\")}}', variable: "lookup of 'constructor'" },
    { template: '{{name.prototype}}', variable: "'name.prototype'" },
  ];

  it.each(cases)('$template fails the static check (exit 2, file, step and variable), before anything is sent', async ({ template, variable }) => {
    const space = setup({ proto: skill(template) });
    const result = await space.run(['run', 'skill', 'proto', '-i', 'name=Ada']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/proto\.yaml:\d+:\d+/);
    expect(result.stderr).toContain("step 'greet'");
    expect(result.stderr).toContain(variable);
    expect(result.stderr).not.toContain('    at ');
    expect(posts()).toHaveLength(0);
    const validated = await space.run(['skills', 'validate']);
    expect(validated.stdout).toMatch(/broken.*proto\.yaml/);
  });

  it('a skill may not declare an input or a step named like a prototype property', async () => {
    const space = setup({
      input: skill('{{name}}', '  constructor: { type: string }\n  name: { type: string }\n'),
      step: skill('{{name}}').replace('id: first', 'id: constructor'),
    });
    const input = await space.run(['run', 'skill', 'input', '-i', 'name=Ada']);
    expect(input.code).toBe(2);
    expect(input.stderr).toContain("input 'constructor' is a name every JavaScript object has");
    const step = await space.run(['run', 'skill', 'step', '-i', 'name=Ada']);
    expect(step.code).toBe(2);
    expect(step.stderr).toContain("step id 'constructor' is a name every JavaScript object has");
    expect(posts()).toHaveLength(0);
  });

  it('at run time a lookup key from an input cannot reach a prototype property either', () => {
    const where = { file: 'x.yaml', field: 'prompt' };
    for (const key of ['constructor', '__proto__', 'toString', '__defineGetter__']) {
      expect(renderTemplate('[{{lookup name key}}]', { name: 'Ada', key }, where)).toBe('[]');
      expect(renderTemplate('[{{lookup items key}}]', { items: { a: 1 }, key }, where)).toBe('[]');
    }
  });
});
