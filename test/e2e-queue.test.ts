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
    expect(JSON.parse((await workspace.run(['queue', 'list', '--json'])).stdout)).toEqual([]);
    const after = JSON.parse((await workspace.run(['queue', 'list', '--all', '--json'])).stdout);
    expect(after[0]).toMatchObject({ run_id: runId, state: 'done', attempts: 0 });
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
      expect(running[0]).toMatchObject({ state: 'running', attempts: 0 });
    } finally {
      worker.kill('SIGKILL');
      await new Promise((resolve) => worker.once('exit', resolve));
    }
    provider.enqueue({ text: 'delivered after the crash' });
    const second = await workspace.run(['worker', '--once']);
    expect(second.code).toBe(0);
    const after = JSON.parse((await workspace.run(['queue', 'list', '--all', '--json'])).stdout);
    expect(after[0]).toMatchObject({ run_id: runId, state: 'done', attempts: 1 });
    const shown = JSON.parse((await workspace.run(['runs', 'show', runId, '--json'])).stdout);
    expect(shown.output).toBe('delivered after the crash');
    expect(provider.requests).toHaveLength(2);
  });

  it('a worker stopped by a second SIGTERM mid-job closes the run on record (exit 143), and the next worker finishes it', async () => {
    setup();
    const runId = (await workspace.run(['run', 'skill', 'greet', '-i', 'name=Twice', '--defer'])).stdout.trim();
    provider.enqueue({ text: 'never delivered', delay_ms: 60_000 });
    const worker = spawn(process.execPath, [cliPath, 'worker'], { cwd: workspace.dir, env: workspace.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    worker.stderr?.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    await until(() => provider.requests.length === 1);
    worker.kill('SIGTERM');
    await until(() => stderr.includes('stopping after the job in flight'));
    worker.kill('SIGTERM');
    expect(await exited).toBe(143);
    const stopped = JSON.parse((await workspace.run(['runs', 'show', runId, '--json'])).stdout);
    expect(stopped).toMatchObject({ status: 'failed', error: expect.stringContaining('the worker was stopped by SIGTERM') });

    provider.enqueue({ text: 'delivered by the next worker' });
    expect((await workspace.run(['worker', '--once'])).code).toBe(0);
    const after = JSON.parse((await workspace.run(['runs', 'show', runId, '--json'])).stdout);
    expect(after).toMatchObject({ status: 'ok', output: 'delivered by the next worker' });
  });

  it('the id --defer prints is accepted by queue list, queue cancel and runs show; the job id works too', async () => {
    setup();
    const runId = (await workspace.run(['run', 'skill', 'greet', '-i', 'name=One', '--defer'])).stdout.trim();
    const [byRun] = JSON.parse((await workspace.run(['queue', 'list', runId, '--json'])).stdout);
    expect(byRun).toMatchObject({ run_id: runId, state: 'queued' });
    const [byJob] = JSON.parse((await workspace.run(['queue', 'list', byRun.id, '--json'])).stdout);
    expect(byJob).toEqual(byRun);
    expect(JSON.parse((await workspace.run(['runs', 'show', runId, '--json'])).stdout)).toMatchObject({ id: runId, status: 'queued' });
    expect(JSON.parse((await workspace.run(['runs', 'show', byRun.id, '--json'])).stdout)).toMatchObject({ id: runId, status: 'queued' });
    const text = await workspace.run(['queue', 'list']);
    expect(text.stdout).toContain(runId);

    const cancelled = await workspace.run(['queue', 'cancel', runId]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toBe(`cancelled job ${byRun.id} (run ${runId})\n`);
    const again = await workspace.run(['queue', 'cancel', runId]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is already cancelled');
    const unknown = await workspace.run(['queue', 'cancel', 'NOSUCHID']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no queued job or deferred run with id NOSUCHID');
  });

  it('queue list and queue list --json list the same jobs: finished ones only with --all', async () => {
    setup();
    const doneRun = (await workspace.run(['run', 'skill', 'greet', '-i', 'name=Done', '--defer'])).stdout.trim();
    provider.enqueue({ text: 'Hello Done' });
    expect((await workspace.run(['worker', '--once'])).code).toBe(0);
    const waitingRun = (await workspace.run(['run', 'skill', 'greet', '-i', 'name=Later', '--defer'])).stdout.trim();
    const idsOf = (text: string) => text.split('\n').filter(Boolean).map((line) => line.split(/\s+/)[0]);
    for (const [flags, expected] of [[[], [waitingRun]], [['--all'], [doneRun, waitingRun]]] as const) {
      const json = JSON.parse((await workspace.run(['queue', 'list', ...flags, '--json'])).stdout) as Array<{ run_id: string }>;
      expect(json.map((job) => job.run_id)).toEqual(expected);
      expect(idsOf((await workspace.run(['queue', 'list', ...flags])).stdout)).toEqual(expected);
    }
  });

  it('queue cancel stops a queued job from running', async () => {
    setup();
    await workspace.run(['run', 'skill', 'greet', '-i', 'name=Never', '--defer']);
    const [job] = JSON.parse((await workspace.run(['queue', 'list', '--json'])).stdout);
    expect((await workspace.run(['queue', 'cancel', job.id])).code).toBe(0);
    await workspace.run(['worker', '--once']);
    expect(provider.requests).toHaveLength(0);
    const [after] = JSON.parse((await workspace.run(['queue', 'list', '--all', '--json'])).stdout);
    expect(after.state).toBe('cancelled');
  });
});
