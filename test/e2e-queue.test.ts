// The queue from the command line: --defer, queue list, worker --once, and a worker killed with SIGKILL mid-job.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, localConfig, HELLO_SKILL, type Workspace } from './helpers/workspace.js';
import { cliPath } from './helpers/cli.js';

const provider = useFakeProvider();
let workspace: Workspace;

afterEach(() => {
  workspace?.cleanup();
});

function setup(): Workspace {
  workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/small-model]\n'), { greet: HELLO_SKILL }, { LOCAL_KEY: 'sk-queue-test' });
  return workspace;
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('portai run skill --defer and portai worker', () => {
  it('queues the run (exit 0, prints the run id), lists it, and the worker finishes it', async () => {
    setup();
    const deferred = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Queued', '--defer']);
    expect(deferred.code).toBe(0);
    const runId = deferred.stdout.trim();
    expect(runId).toMatch(/^[0-9A-Z]{26}$/);
    expect(provider.requests).toHaveLength(0);
    const listed = JSON.parse((await workspace.run(['queue', 'list', '--json'])).stdout);
    expect(listed).toEqual([{ id: expect.any(String), run_id: runId, skill: 'greet', state: 'queued', not_before: expect.any(String), reason: null, attempts: 0 }]);
    const runs = JSON.parse((await workspace.run(['runs', 'list', '--json'])).stdout);
    expect(runs[0]).toMatchObject({ id: runId, status: 'queued', finished_utc: null });

    provider.enqueue({ text: 'Hello from later' });
    const worker = await workspace.run(['worker', '--once']);
    expect(worker.code).toBe(0);
    const after = JSON.parse((await workspace.run(['queue', 'list', '--json'])).stdout);
    expect(after[0]).toMatchObject({ run_id: runId, state: 'done', attempts: 1 });
    const shown = await workspace.run(['runs', 'show', runId]);
    expect(shown.stdout).toContain('Hello from later');
  });

  it('a worker killed with SIGKILL mid-job loses nothing: the next worker sees the owner is gone and runs the job', async () => {
    setup();
    const deferred = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Killed', '--defer']);
    const runId = deferred.stdout.trim();
    provider.enqueue({ text: 'never delivered', delay_ms: 60_000 });
    const worker = spawn(process.execPath, [cliPath, 'worker'], { cwd: workspace.dir, env: workspace.env, stdio: 'ignore' });
    try {
      await until(() => provider.requests.length === 1);
      const running = JSON.parse((await workspace.run(['queue', 'list', '--json'])).stdout);
      expect(running[0]).toMatchObject({ state: 'running', attempts: 1 });
    } finally {
      worker.kill('SIGKILL');
      await new Promise((resolve) => worker.once('exit', resolve));
    }
    provider.enqueue({ text: 'delivered after the crash' });
    const second = await workspace.run(['worker', '--once']);
    expect(second.code).toBe(0);
    const after = JSON.parse((await workspace.run(['queue', 'list', '--json'])).stdout);
    expect(after[0]).toMatchObject({ run_id: runId, state: 'done', attempts: 2 });
    const shown = JSON.parse((await workspace.run(['runs', 'show', runId, '--json'])).stdout);
    expect(shown.output).toBe('delivered after the crash');
    expect(provider.requests).toHaveLength(2);
  });

  it('queue cancel stops a queued job from running', async () => {
    setup();
    await workspace.run(['run', 'skill', 'greet', '-i', 'name=Never', '--defer']);
    const [job] = JSON.parse((await workspace.run(['queue', 'list', '--json'])).stdout);
    expect((await workspace.run(['queue', 'cancel', job.id])).code).toBe(0);
    await workspace.run(['worker', '--once']);
    expect(provider.requests).toHaveLength(0);
    const [after] = JSON.parse((await workspace.run(['queue', 'list', '--json'])).stdout);
    expect(after.state).toBe('cancelled');
  });
});
