// More of the CLI as a user meets it: an Anthropic-compatible provider, init, skills in git, --use, inputs as JSON.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, localConfig, HELLO_SKILL, type Workspace } from './helpers/workspace.js';
import { baseEnv, runCli, tempHome } from './helpers/cli.js';

const KEY = 'sk-ant-e2e-7a6b5c4d3e2f1a0b';
const provider = useFakeProvider();
let workspace: Workspace;

afterEach(() => {
  workspace?.cleanup();
});

describe('an Anthropic-compatible provider', () => {
  it('posts to <base>/v1/messages with x-api-key, anthropic-version and the outcome as top-level system; JSON and --stream', async () => {
    workspace = createWorkspace(
      `skills: ./skills
providers:
  claude:
    preset: anthropic-compatible
    base_url: ${provider.url}
    api_key_env: ANT_KEY
    billing: subscription
    models: [{ id: claude-test, trains_on_data: false }]
routes:
  - use: [claude/*]
`,
      { greet: HELLO_SKILL },
      { ANT_KEY: KEY },
    );
    provider.enqueue({ text: 'Hello from messages', usage: { input_tokens: 21, output_tokens: 4 } });
    const json = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ann', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ output: 'Hello from messages', steps: [{ provider: 'claude', model: 'claude-test', input_tokens: 21, output_tokens: 4 }] });
    provider.enqueue({ text: 'Streamed from messages' });
    const streamed = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ann', '--stream']);
    expect(streamed.stdout).toBe('Streamed from messages\n');
    const [first, second] = provider.requests;
    expect(first.path).toBe('/v1/messages');
    const auth = first.headers['x-api-key'] ?? first.headers.authorization;
    expect([KEY, `Bearer ${KEY}`]).toContain(auth);
    expect(first.headers['anthropic-version']).toBe('2023-06-01');
    expect((first.body as { system: unknown }).system).toEqual(expect.stringContaining("A one-line friendly greeting"));
    expect((second.body as { stream?: boolean }).stream).toBe(true);
  });
});

describe('portai init', () => {
  it('writes a starter config and skill that load, and never overwrites them', async () => {
    const dir = tempHome();
    try {
      const env = baseEnv(dir, { OPENROUTER_API_KEY: 'sk-or-init' });
      const init = await runCli(['init'], { cwd: dir, env });
      expect(init.code).toBe(0);
      expect(fs.existsSync(path.join(dir, 'portai.yaml'))).toBe(true);
      const again = await runCli(['init'], { cwd: dir, env });
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('already exists');
      const list = await runCli(['skills', 'list'], { cwd: dir, env });
      expect(list.stdout).toMatch(/^hello\s/m);
      const providers = await runCli(['providers', 'list', '--json'], { cwd: dir, env });
      expect(providers.code).toBe(0);
      expect(JSON.parse(providers.stdout).map((entry: { provider: string }) => entry.provider)).toEqual(['openrouter', 'zai-coding', 'opencode-go']);
      const dry = await runCli(['run', 'skill', 'hello', '--dry-run'], { cwd: dir, env });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('openrouter/');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('skills in git', () => {
  it('name@rev runs the committed version, and skills history counts the runs of each version', async () => {
    workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/*]\n'), { greet: HELLO_SKILL }, { LOCAL_KEY: 'sk-local' });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: workspace.dir, env: { ...workspace.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'first greeting');
    workspace.writeSkill('greet', HELLO_SKILL.replace('Say hello to {{name}} in one line.', 'Greet {{name}} warmly.'));
    git('commit', '-qam', 'warmer greeting');

    provider.enqueue({ text: 'old' }, { text: 'new' }, { status: 500, body: { error: { message: 'boom' } } }, { status: 500, body: { error: { message: 'boom' } } }, { status: 500, body: { error: { message: 'boom' } } }, { status: 500, body: { error: { message: 'boom' } } });
    const old = await workspace.run(['run', 'skill', 'greet@HEAD~1', '-i', 'name=Ada']);
    expect(old.code).toBe(0);
    expect((provider.requests[0].body as { messages: Array<{ content: string }> }).messages.at(-1)?.content).toBe('Say hello to Ada in one line.');
    expect((await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ada'])).code).toBe(0);
    expect((provider.requests[1].body as { messages: Array<{ content: string }> }).messages.at(-1)?.content).toBe('Greet Ada warmly.');
    expect((await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ada'])).code).toBe(1);

    const history = JSON.parse((await workspace.run(['skills', 'history', 'greet', '--json'])).stdout);
    expect(history.commits.map((commit: { subject: string; runs: number; ok: number }) => [commit.subject, commit.runs, commit.ok])).toEqual([
      ['warmer greeting', 2, 1],
      ['first greeting', 1, 1],
    ]);
    const unknown = await workspace.run(['run', 'skill', 'greet@nosuchrev', '-i', 'name=Ada']);
    expect(unknown.code).toBe(2);
  });
});

describe('run options', () => {
  it('--use replaces the route for one run, and every guard still applies', async () => {
    workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/small-model]\n'), { greet: HELLO_SKILL }, { LOCAL_KEY: 'sk-local' });
    provider.enqueue({ text: 'via other' });
    const used = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Bo', '--use', 'local/other-model']);
    expect(used.code).toBe(0);
    expect((provider.requests[0].body as { model: string }).model).toBe('other-model');
    const metered = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Bo', '--use', 'paid/pricey']);
    expect(metered.code).toBe(3);
    expect(metered.stderr).toContain('spend');
    const unknown = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Bo', '--use', 'local/nope']);
    expect(unknown.code).toBe(2);
    expect(provider.requests).toHaveLength(1);
  });

  it('inputs come from --input-json as text, @file or stdin; bad JSON is exit 2', async () => {
    workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/*]\n'), { greet: HELLO_SKILL }, { LOCAL_KEY: 'sk-local' });
    provider.reply((request) => ({ text: request.lastUserText }));
    fs.writeFileSync(path.join(workspace.dir, 'inputs.json'), '{"name":"File"}');
    expect((await workspace.run(['run', 'skill', 'greet', '--input-json', '{"name":"Text"}'])).stdout).toBe('Say hello to Text in one line.\n');
    expect((await workspace.run(['run', 'skill', 'greet', '--input-json', '@inputs.json'])).stdout).toBe('Say hello to File in one line.\n');
    expect((await workspace.run(['run', 'skill', 'greet', '--input-json', '-'], { input: '{"name":"Stdin"}' })).stdout).toBe('Say hello to Stdin in one line.\n');
    const bad = await workspace.run(['run', 'skill', 'greet', '--input-json', '{name:']);
    expect(bad.code).toBe(2);
    expect(provider.requests).toHaveLength(3);
  });

  it('usage errors are exit 2: an unknown option, a bad --limit', async () => {
    workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/*]\n'), { greet: HELLO_SKILL }, { LOCAL_KEY: 'sk-local' });
    expect((await workspace.run(['run', 'skill', 'greet', '--colour'])).code).toBe(2);
    expect((await workspace.run(['runs', 'list', '--limit', '0'])).code).toBe(2);
    expect((await workspace.run(['nosuchcommand'])).code).toBe(2);
  });
});

