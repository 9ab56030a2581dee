// `--stream` writes each character once: a stream cut mid-answer, a retry that fails mid-stream too, and a
// fallback that answers must leave stdout holding the final answer only (DESIGN: stdout is the output).
import { spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createStreamOutput, RESTART_MARKER } from '../src/cli/stream-output.js';
import { cliPath } from './helpers/cli.js';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, localConfig, HELLO_SKILL, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-local-stream-3b9d0e1f2a4c6e8a';
const provider = useFakeProvider();
let workspace: Workspace | undefined;

afterEach(() => workspace?.cleanup());

const FINAL = 'Hello Ada, this is the answer that counts.';

function scriptCutRetryFallback(): void {
  // small-model: first the SSE stream is cut (retried once), then it fails mid-stream (falls to the next candidate)
  provider.enqueue(
    { model: 'small-model', truncate: true, text: 'The first attempt says something long that is cut off half way through.' },
    { model: 'small-model', midStreamError: true },
    { model: 'other-model', text: FINAL },
  );
}

describe('run skill --stream on a pipe', () => {
  it('writes only the final answer, byte for byte the output the ledger and --json report', async () => {
    workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/small-model, local/other-model]\n'), { greet: HELLO_SKILL }, { LOCAL_KEY: KEY });
    scriptCutRetryFallback();
    const streamed = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ada', '--stream']);
    expect(streamed.code).toBe(0);
    const chats = provider.requests.filter((request) => request.path.endsWith('/chat/completions'));
    expect(chats.map((request) => (request.body as { model: string; stream: boolean }).model)).toEqual(['small-model', 'small-model', 'other-model']);
    expect(chats.every((request) => (request.body as { stream?: boolean }).stream === true)).toBe(true);

    const runs = JSON.parse((await workspace.run(['runs', 'list', '--json'])).stdout) as Array<{ id: string }>;
    const shown = JSON.parse((await workspace.run(['runs', 'show', runs[0].id, '--json'])).stdout) as { output: string; attempts: Array<{ status: string }> };
    expect(shown.attempts.map((attempt) => attempt.status)).toEqual(['error', 'error', 'ok']);
    expect(shown.output).toBe(FINAL);
    expect(streamed.stdout).toBe(`${shown.output}\n`);

    // and the same bytes as a --json run of the same script
    scriptCutRetryFallback();
    const json = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ada', '--json']);
    expect(streamed.stdout).toBe(`${(JSON.parse(json.stdout) as { output: string }).output}\n`);
  });
});

describe('run skill --stream on a terminal', () => {
  it('streams live; a restart is said on stderr and the new answer follows a marker line', () => {
    const written: string[] = [];
    const errors: string[] = [];
    const stdout = { isTTY: true, write: (text: string) => written.push(text) > 0 };
    const output = createStreamOutput(stdout, { write: (text: string) => errors.push(text) > 0 });
    output.text('The first ', 1);
    output.text('attempt', 1);
    output.text('Second', 2);
    output.text(' also cut', 2);
    output.text('Final ', 4);
    output.text('answer.', 4);
    expect(output.finish(true)).toBe(true);
    expect(written.join('')).toBe(`The first attempt\n${RESTART_MARKER}\nSecond also cut\n${RESTART_MARKER}\nFinal answer.\n`);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/restarts/);
  });

  it('on a real terminal (script(1) gives the child a pty) the final answer follows the marker', () => {
    // script(1) from util-linux runs the command on a pseudo-terminal, so stdout.isTTY is true in the child
    const check = spawnSync('script', ['--version'], { encoding: 'utf8' });
    expect(check.status, 'script(1) from util-linux is needed for this test').toBe(0);
    workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/small-model, local/other-model]\n'), { greet: HELLO_SKILL }, { LOCAL_KEY: KEY });
    scriptCutRetryFallback();
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} run skill greet -i name=Ada --stream`;
    // spawnSync would block the fake provider's event loop in this very process: use the async form
    return new Promise<void>((resolve, reject) => {
      {
        const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: workspace!.dir, env: workspace!.env, stdio: ['ignore', 'pipe', 'pipe'] });
        let text = '';
        child.stdout.on('data', (chunk) => (text += chunk));
        child.on('error', reject);
        child.on('close', (code) => {
          try {
            expect(code).toBe(0);
            const plain = text.replace(/\r/g, '');
            expect(plain).toContain(RESTART_MARKER);
            expect(plain).toContain('restarts below');
            // stderr shares the pty: progress lines may sit between the marker and the answer
            const afterLastMarker = plain.slice(plain.lastIndexOf(RESTART_MARKER));
            expect(afterLastMarker).toContain(`\n${FINAL}\n`);
            expect(plain.split(FINAL)).toHaveLength(2);
            resolve();
          } catch (error) {
            reject(error);
          }
        });
      }
    });
  });
});
