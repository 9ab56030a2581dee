// Every way a run can stop leaves a true record: a throw at run time, a signal while a request is in flight, and a
// process killed outright (shown as interrupted, then resumed from another folder). The CLI runs as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { cliPath, runCli, tempHome } from './helpers/cli.js';
import { createWorkspace, localConfig, HELLO_SKILL, type Workspace } from './helpers/workspace.js';

const provider = useFakeProvider();
let workspace: Workspace;
const others: string[] = [];

afterEach(() => {
  workspace?.cleanup();
  for (const dir of others.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function setup(skills: Record<string, string> = { greet: HELLO_SKILL }, extra = ''): Workspace {
  workspace = createWorkspace(localConfig(provider.url, `routes:\n  - use: [local/small-model]\n${extra}`), skills, { LOCAL_KEY: 'sk-lifecycle-test' });
  return workspace;
}

interface ListedRun {
  id: string;
  status: string;
}

async function onlyRun(): Promise<{ id: string; status: string; error: string | null; attempts: Array<{ status: string; error_message: string | null }> }> {
  const listed = JSON.parse((await workspace.run(['runs', 'list', '--json'])).stdout) as ListedRun[];
  expect(listed).toHaveLength(1);
  return JSON.parse((await workspace.run(['runs', 'show', listed[0].id, '--json'])).stdout);
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `portai run skill greet` in the background, its request held by the fake for a minute. */
interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function startSlowRun(extra: string[] = []): Promise<{ child: ChildProcess; exited: Promise<Exit> }> {
  provider.enqueue({ text: 'too late', delay_ms: 60_000 });
  const child = spawn(process.execPath, [cliPath, 'run', 'skill', 'greet', '-i', 'name=Slow', ...extra], { cwd: workspace.dir, env: workspace.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  await until(() => provider.requests.length === 1);
  return { child, exited };
}

const TWO_STEPS = `name: two
description: Two steps, the second reads a field of the first.
outcome: A title.
privacy: public
steps:
  - id: first
    prompt: Give a title.
    schema: { type: object }
  - id: second
    prompt: "Shorten {{steps.first.title}}"
`;

const ACTION = (url: string) => `name: fetcher
description: An http step that fails.
outcome: The page.
privacy: public
steps:
  - id: get
    http: { method: GET, url: "${url}", expect: 200 }
`;

describe('a run that stops by itself is closed on record', () => {
  it('a template error found at run time: exit 2, the run is failed with the problem', async () => {
    setup({ two: TWO_STEPS });
    provider.enqueue({ text: '{"name": "no title field"}' });
    const result = await workspace.run(['run', 'skill', 'two']);
    expect(result.code).toBe(2);
    const run = await onlyRun();
    expect(run.status).toBe('failed');
    expect(run.error).toContain("two.yaml (steps[1].prompt): template variable 'steps.first.title' is not defined");
  });

  it('a missing key: exit 2, the run is failed naming the variable', async () => {
    setup();
    const result = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ada'], { env: { LOCAL_KEY: undefined } });
    expect(result.code).toBe(2);
    const run = await onlyRun();
    expect(run.status).toBe('failed');
    expect(run.error).toContain('LOCAL_KEY');
  });

  it('an action that fails: exit 1, the run is failed with the HTTP status', async () => {
    setup({ fetcher: ACTION(`${provider.url}/no-such-page`) });
    const result = await workspace.run(['run', 'skill', 'fetcher']);
    expect(result.code).toBe(1);
    const run = await onlyRun();
    expect(run.status).toBe('failed');
    expect(run.error).toContain('HTTP 404');
  });

  it('bad input an action finds at run time (an unknown calendar target): exit 2, the run is failed', async () => {
    setup({
      cal: `name: cal
description: Save an event to a calendar that is not configured.
outcome: The event is saved.
privacy: public
steps:
  - id: save
    calendar: { action: upsert, target: nowhere, event: { title: Dentist, start: "2026-01-02T15:00:00Z", end: "2026-01-02T16:00:00Z" } }
`,
    });
    const result = await workspace.run(['run', 'skill', 'cal']);
    expect(result.code).toBe(2);
    const run = await onlyRun();
    expect(run.status).toBe('failed');
    expect(run.error).toContain('nowhere');
  });
});

describe('a signal while a request is in flight', () => {
  for (const [signal, code, name] of [['SIGINT', 130, 'Ctrl-C (SIGINT)'], ['SIGTERM', 143, 'SIGTERM'], ['SIGHUP', 129, 'SIGHUP']] as const) {
    it(`${signal}: the run is marked failed in the same process, its request too, and the exit code is ${code}`, async () => {
      setup();
      const { child, exited } = await startSlowRun();
      child.kill(signal);
      const { code: exitCode, stderr } = await exited;
      expect(exitCode).toBe(code);
      const run = await onlyRun();
      expect(run.status).toBe('failed');
      expect(run.error).toContain(`stopped by ${name}`);
      expect(stderr).toContain(`portai runs resume ${run.id}`);
      expect(run.attempts).toHaveLength(1);
      expect(run.attempts[0].status).toBe('error');
      expect(run.attempts[0].error_message).toContain(name);
    });
  }

  it('under --json the signal is one JSON error object on stdout', async () => {
    setup();
    const { child, exited } = await startSlowRun(['--json']);
    child.kill('SIGINT');
    const { code, stdout } = await exited;
    expect(code).toBe(130);
    const run = await onlyRun();
    expect(JSON.parse(stdout)).toEqual({ error: { kind: 'interrupted', message: 'stopped by Ctrl-C (SIGINT)', hint: `resume it with: portai runs resume ${run.id}`, file: null, line: null } });
  });
});

describe('a process killed outright (SIGKILL)', () => {
  it('shows the run as interrupted, and `runs resume` from another folder finishes it', async () => {
    setup();
    const { child, exited } = await startSlowRun();
    child.kill('SIGKILL');
    await exited;
    const [listed] = JSON.parse((await workspace.run(['runs', 'list', '--json'])).stdout) as ListedRun[];
    expect(listed.status).toBe('interrupted');
    const shown = await workspace.run(['runs', 'show', listed.id]);
    expect(shown.stdout).toContain(`interrupted: its process`);
    expect(shown.stdout).toContain(`portai runs resume ${listed.id}`);

    // another folder: no portai.yaml and no skills here; the run's recorded config and skill file are used
    const elsewhere = tempHome('portai-elsewhere-');
    others.push(elsewhere);
    provider.enqueue({ text: 'Hello, Slow!' });
    const resumed = await runCli(['runs', 'resume', listed.id], { cwd: elsewhere, env: workspace.env });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toBe('Hello, Slow!\n');
    const run = await onlyRun();
    expect(run.status).toBe('ok');
    // the request the killed process left in flight is closed too, not counted as in flight for ever
    expect(run.attempts.map((attempt) => [attempt.status, attempt.error_message])).toEqual([
      ['error', 'the process that sent it stopped before the answer arrived'],
      ['ok', null],
    ]);
  });

  it('a run whose process is alive is running, not interrupted, and cannot be resumed twice', async () => {
    setup();
    const { child, exited } = await startSlowRun();
    try {
      const [listed] = JSON.parse((await workspace.run(['runs', 'list', '--json'])).stdout) as ListedRun[];
      expect(listed.status).toBe('running');
      const resumed = await workspace.run(['runs', 'resume', listed.id]);
      expect(resumed.code).toBe(2);
      expect(resumed.stderr).toContain(`run ${listed.id} is still running (process ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('resume refuses a skill file that changed since the run started (no commit to load it from)', async () => {
    setup();
    const { child, exited } = await startSlowRun();
    child.kill('SIGKILL');
    await exited;
    const [listed] = JSON.parse((await workspace.run(['runs', 'list', '--json'])).stdout) as ListedRun[];
    workspace.writeSkill('greet', HELLO_SKILL.replace('in one line', 'in two lines'));
    const resumed = await workspace.run(['runs', 'resume', listed.id]);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain(`${path.join(workspace.dir, 'skills', 'greet.yaml')} changed since run ${listed.id} started`);
    expect(provider.requests).toHaveLength(1);
  });
});
