// The README's Quick start and "Next steps", walked as a newcomer does: each command as it is written there,
// the CLI as a child process, a clean HOME, the loopback fake as OpenRouter. The commands are read from
// README.md itself, so an edit there that breaks the walk breaks this test.
//
// The fake stands in for OpenRouter the way the README lets a user point a provider elsewhere: a preset of
// the same name in ~/.config/portai/providers/ wins over the shipped one. `npm ci` and `npm test` are the
// install and this very suite; the test runs the built CLI, which is what `npx portai` starts (package.json
// bin). The Quick start runs in the clone (the repository), the next steps in a folder of the user's own.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baseEnv, repoRoot, runCli, tempHome, type CliResult } from './helpers/cli.js';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';

const provider = useFakeProvider();
let home: string | undefined;
afterEach(() => {
  if (home) fs.rmSync(home, { recursive: true, force: true });
  home = undefined;
});

const README = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const KEY = 'sk-or-v1-readme-walkthrough-0123456789';

/** The shell lines of the README's Quick start: before and after "Next steps", comments and blank lines left out. */
function quickStart(): { first: string[]; next: string[] } {
  const section = README.split(/^## Quick start$/m)[1]?.split(/^## /m)[0] ?? '';
  const [before, after = ''] = section.split(/^Next steps\b.*$/m);
  const lines = (text: string) =>
    [...text.matchAll(/```sh\n([\s\S]*?)```/g)]
      .flatMap((match) => match[1].split('\n'))
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter(Boolean);
  return { first: lines(before), next: lines(after) };
}

/** `portai run skill x -i "a=b c"` → ['run', 'skill', 'x', '-i', 'a=b c']: double quotes only, as the README uses. */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]);
}

describe("the README's Quick start and Next steps", () => {
  it('every command works as written, with only OPENROUTER_API_KEY set', async () => {
    home = tempHome('portai-readme-');
    const presets = path.join(home, '.config', 'portai', 'providers');
    fs.mkdirSync(presets, { recursive: true });
    const shipped = fs.readFileSync(path.join(repoRoot, 'providers', 'openrouter.yaml'), 'utf8');
    fs.writeFileSync(path.join(presets, 'openrouter.yaml'), shipped.replace('https://openrouter.ai/api/v1', `${provider.url}/api/v1`));
    const ownFolder = path.join(home, 'work');
    fs.mkdirSync(ownFolder);
    // the fake answers like a free model: a greeting, or the event the calendar step asks for
    provider.reply((request) =>
      request.lastUserText.includes('calendar event')
        ? { json: { title: 'Dentist', start: '2026-12-04T15:00:00+00:00', end: '2026-12-04T16:00:00+00:00' } }
        : { text: 'Hello, Ada!' },
    );

    const { first, next } = quickStart();
    expect(first).toEqual([expect.stringMatching(/^npm ci && OPENROUTER_API_KEY=sk-or-… npx portai run skill hello -i name=Ada$/), 'npm test']);
    expect(next.length).toBeGreaterThanOrEqual(6);

    // `sk-or-…` is the README's placeholder for the reader's own key
    const env: Record<string, string> = baseEnv(home);
    const results: Array<{ command: string; result: CliResult }> = [];
    const run = async (command: string, cwd: string, extra: Record<string, string> = {}) => {
      const [program, ...args] = words(command);
      expect(program, `${command} starts with portai`).toBe('portai');
      results.push({ command, result: await runCli(args, { cwd, env: { ...env, ...extra } }) });
    };

    // Quick start, in the clone: the key is set for this one command, and no config file exists yet
    expect(fs.existsSync(path.join(repoRoot, 'portai.yaml')), 'a portai.yaml in the clone would stand in for the built-in default').toBe(false);
    const quick = /^npm ci && OPENROUTER_API_KEY=\S+ npx (portai .*)$/.exec(first[0]);
    await run(quick![1], repoRoot, { OPENROUTER_API_KEY: KEY });
    // Next steps, in a folder of the user's own
    for (const command of next) {
      const exported = /^export ([A-Z_]+)=(\S+)$/.exec(command);
      if (exported) {
        expect([...exported]).toEqual([command, 'OPENROUTER_API_KEY', 'sk-or-…']);
        env.OPENROUTER_API_KEY = KEY;
        continue;
      }
      await run(command, ownFolder);
    }
    const failed = results.filter(({ result }) => result.code !== 0).map(({ command, result }) => `${command} → exit ${result.code}: ${result.stderr}${result.stdout}`);
    expect(failed).toEqual([]);

    const outputOf = (prefix: string) => results.find(({ command }) => command.startsWith(prefix))?.result.stdout ?? '';
    // Quick start: the greeting, through the built-in default config, from a free request
    expect(results[0].result.stdout).toBe('Hello, Ada!\n');
    const chats = provider.requests.filter((request) => request.path.endsWith('/chat/completions'));
    expect(chats[0].body).toMatchObject({ provider: { max_price: { prompt: '0', completion: '0' } } });
    // init writes what its comment says; the dry run prints the plan and sends nothing (two chats in all:
    // hello, then calendar-update's extract step)
    expect(fs.existsSync(path.join(ownFolder, 'portai.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(ownFolder, 'skills', 'hello.yaml'))).toBe(true);
    expect(outputOf('portai run skill hello --dry-run')).toMatch(/candidates:\n\s+1\. openrouter\//);
    expect(chats).toHaveLength(2);
    expect(outputOf('portai usage')).toMatch(/openrouter .*requests today/);
    expect(outputOf('portai doctor')).toContain('openrouter');
  });
});
