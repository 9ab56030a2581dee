// Piped standard input fills a skill's input (`echo text | portai run skill summarize`), with the CLI as a
// child process: the marked input, the only required string input, the refused ambiguous cases, and stdins
// that hold nothing (closed, /dev/null, an open pipe nobody writes to) never hang a run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath, repoRoot, type CliResult } from './helpers/cli.js';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, localConfig, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-local-stdin-7a2c4e6f8b0d1e3f';
const provider = useFakeProvider();
let workspace: Workspace;

afterEach(() => workspace?.cleanup());

// public here: the fake's models do not state trains_on_data, so a private skill would be refused (exit 3)
const SUMMARIZE = fs.readFileSync(path.join(repoRoot, 'skills', 'summarize.yaml'), 'utf8').replace('privacy: private', 'privacy: public');
const ONE_REQUIRED = `name: shout
outcome: The request in capitals.
privacy: public
inputs:
  request: { type: string }
  times: { type: integer, default: 1 }
steps:
  - id: say
    prompt: "Shout this {{times}} time(s): {{request}}"
`;
const TWO_REQUIRED = `name: pair
outcome: Both names in one line.
privacy: public
inputs:
  first: { type: string }
  second: { type: string }
steps:
  - id: say
    prompt: "{{first}} and {{second}}"
`;

function setup(): Workspace {
  workspace = createWorkspace(localConfig(provider.url, 'routes:\n  - use: [local/*]\n'), { summarize: SUMMARIZE, shout: ONE_REQUIRED, pair: TWO_REQUIRED }, { LOCAL_KEY: KEY });
  return workspace;
}

const chats = () => provider.requests.filter((request) => request.path.endsWith('/chat/completions'));
const lastUser = () => (chats().at(-1)?.body as { messages: Array<{ role: string; content: string }> }).messages.at(-1)?.content ?? '';

/** The CLI with a stdin of our choosing: 'ignore' is /dev/null; 'open' is a pipe left open, written `late` after `lateMs`. */
function runWithStdin(args: string[], stdin: 'ignore' | { open: true; late?: string; lateMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: workspace.dir, env: workspace.env, stdio: [stdin === 'ignore' ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    let timer: NodeJS.Timeout | undefined;
    if (stdin !== 'ignore' && stdin.late !== undefined) {
      const late = stdin.late;
      timer = setTimeout(() => child.stdin?.end(late), stdin.lateMs ?? 1000);
    }
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin?.destroy();
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

describe('piped standard input', () => {
  it('fills the input marked stdin: true (the shipped summarize skill) and is recorded as that input', async () => {
    setup();
    provider.enqueue({ text: '- a short summary' });
    const result = await workspace.run(['run', 'skill', 'summarize'], { input: 'The meeting moved to Tuesday.\nBring the budget.\n' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('- a short summary\n');
    expect(lastUser()).toContain('---\nThe meeting moved to Tuesday.\nBring the budget.');
    const runs = JSON.parse((await workspace.run(['runs', 'list', '--json'])).stdout) as Array<{ id: string }>;
    const shown = JSON.parse((await workspace.run(['runs', 'show', runs[0].id, '--json'])).stdout) as { inputs: Record<string, unknown> };
    // one trailing newline (from echo) is not part of the text
    expect(shown.inputs).toEqual({ text: 'The meeting moved to Tuesday.\nBring the budget.', length: 'three bullet points' });
  });

  it("fills a skill's only required string input when none is marked", async () => {
    setup();
    provider.enqueue({ text: 'LUNCH AT ONE' });
    const result = await workspace.run(['run', 'skill', 'shout', '-i', 'times=2'], { input: 'lunch at one\n' });
    expect(result.code).toBe(0);
    expect(lastUser()).toBe('Shout this 2 time(s): lunch at one');
  });

  it('refuses several required string inputs with none marked: exit 2, nothing sent', async () => {
    setup();
    const result = await workspace.run(['run', 'skill', 'pair'], { input: 'Ada\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pair\.yaml.*several required string inputs \(first, second\) and none says stdin: true/);
    expect(result.stderr).toMatch(/fix: mark the one to fill with stdin: true/);
    expect(chats()).toHaveLength(0);
  });

  it('refuses an input given with -i and piped in too: exit 2, nothing sent', async () => {
    setup();
    const result = await workspace.run(['run', 'skill', 'summarize', '-i', 'text=from the flag'], { input: 'from the pipe\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("input 'text' of summarize is given with -i or --input-json and standard input was piped in too");
    expect(chats()).toHaveLength(0);
  });

  it('--input-json - keeps standard input for the JSON, as before', async () => {
    setup();
    provider.enqueue({ text: 'ok' });
    const result = await workspace.run(['run', 'skill', 'summarize', '--input-json', '-'], { input: '{"text": "json text", "length": "one line"}' });
    expect(result.code).toBe(0);
    expect(lastUser()).toContain('in one line.');
    expect(lastUser()).toContain('json text');
  });

  it('an empty or /dev/null stdin is no input: the missing input is named at once', async () => {
    setup();
    const empty = await workspace.run(['run', 'skill', 'summarize'], { input: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("missing required input 'text' for skill summarize");
    expect(empty.stderr).toContain('or pipe it in: … | portai run skill summarize');
    const devNull = await runWithStdin(['run', 'skill', 'summarize'], 'ignore');
    expect(devNull.code).toBe(2);
    expect(devNull.stderr).toContain("missing required input 'text'");
    expect(chats()).toHaveLength(0);
  });

  it('an open pipe that sends nothing does not hang a run whose input is given with -i', async () => {
    setup();
    provider.enqueue({ text: 'summary' });
    const result = await runWithStdin(['run', 'skill', 'summarize', '-i', 'text=given'], { open: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('summary\n');
  });

  it('a slow producer is waited for when the input needs it; an open silent pipe ends in exit 2, not a hang', async () => {
    setup();
    provider.enqueue({ text: 'late summary' });
    const slow = await runWithStdin(['run', 'skill', 'summarize'], { open: true, late: 'arrived late\n', lateMs: 1500 });
    expect(slow.code).toBe(0);
    expect(lastUser()).toContain('arrived late');
    const silent = await runWithStdin(['run', 'skill', 'summarize'], { open: true });
    expect(silent.code).toBe(2);
    expect(silent.stderr).toContain("missing required input 'text'");
  }, 40_000);
});
