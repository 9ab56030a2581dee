// Discoverability as a user meets it: `portai where` and `portai completion bash|zsh|fish`, the CLI as a child process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baseEnv, cliPath, repoRoot, runCli, tempHome } from './helpers/cli.js';
import { createWorkspace, HELLO_SKILL, type Workspace } from './helpers/workspace.js';

let workspace: Workspace | undefined;
let home: string | undefined;
afterEach(() => {
  workspace?.cleanup();
  if (home) fs.rmSync(home, { recursive: true, force: true });
  workspace = home = undefined;
});

/** Every command path the CLI has, from its own help output (so this list cannot drift from main.ts). */
async function commandNames(env: Record<string, string>): Promise<string[]> {
  const names = async (args: string[]) => {
    const help = (await runCli([...args, '--help'], { env })).stdout;
    const section = help.split(/^Commands:$/m)[1] ?? '';
    return [...section.matchAll(/^ {2}(\S+)/gm)].map((match) => match[1]).filter((name) => name !== 'help');
  };
  const top = await names([]);
  const nested = await Promise.all(top.map(async (name) => (await names([name])).map((child) => `${name} ${child}`)));
  return [...top, ...nested.flat()];
}

describe('portai where', () => {
  it('names the config file in use, the skills folders, the state folder and the ledger', async () => {
    workspace = createWorkspace('skills: ./skills\nproviders:\n  openrouter: { preset: openrouter }\nroutes:\n  - use: [openrouter/*]\n', { greet: HELLO_SKILL });
    const text = await workspace.run(['where']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`config  ${path.join(workspace.dir, 'portai.yaml')}\n`);
    expect(text.stdout).toContain(`skills  ${path.join(workspace.dir, 'skills')}\n`);
    expect(text.stdout).toContain(`state   ${workspace.state} (does not exist yet)\n`);
    const json = JSON.parse((await workspace.run(['where', '--json'])).stdout);
    expect(json).toEqual({
      config_file: path.join(workspace.dir, 'portai.yaml'),
      // the shipped examples come after the user's own folder
      skills_dirs: [path.join(workspace.dir, 'skills'), path.join(repoRoot, 'skills')],
      state_dir: workspace.state,
      ledger: path.join(workspace.state, 'ledger.db'),
      presets_dirs: [path.join(repoRoot, 'providers'), path.join(workspace.dir, '.config', 'portai', 'providers')],
    });
  });

  it('says "built-in default" when no config file exists, and follows $PORTAI_HOME and --config', async () => {
    home = tempHome();
    const env = baseEnv(home);
    const text = await runCli(['where'], { cwd: home, env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^config {2}built-in default/);
    const json = JSON.parse((await runCli(['where', '--json'], { cwd: home, env })).stdout);
    expect(json.config_file).toBeNull();
    expect(json.skills_dirs).toEqual([path.join(home, 'skills'), path.join(repoRoot, 'skills')]);
    expect(json.ledger).toBe(path.join(home, 'state', 'ledger.db'));
    const missing = await runCli(['where', '--config', 'nope.yaml'], { cwd: home, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('config file not found');
  });
});

describe('portai completion', () => {
  it('bash: a script bash accepts, that completes commands, options, option values and skill names', async () => {
    workspace = createWorkspace('skills: ./skills\n', { greet: HELLO_SKILL });
    const script = await workspace.run(['completion', 'bash']);
    expect(script.code).toBe(0);
    const file = path.join(workspace.dir, 'portai.bash');
    fs.writeFileSync(file, script.stdout);
    expect(spawnSync('bash', ['-n', file], { encoding: 'utf8' }).status).toBe(0);
    // `portai` on PATH as the user has it, for the skill-name lister the script calls
    const bin = path.join(workspace.dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'portai'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} "$@"\n`, { mode: 0o755 });
    const complete = (...words: string[]) => {
      const line = `source ${JSON.stringify(file)}; COMP_WORDS=(${words.map((word) => JSON.stringify(word)).join(' ')}); COMP_CWORD=${words.length - 1}; _portai; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const result = spawnSync('bash', ['-c', line], { cwd: workspace!.dir, env: { ...workspace!.env, PATH: `${bin}:${workspace!.env.PATH}` }, encoding: 'utf8' });
      expect(result.stderr).toBe('');
      return result.stdout.split('\n').filter(Boolean).sort();
    };
    expect(complete('portai', 'ru')).toEqual(['run', 'runs']);
    expect(complete('portai', 'run', '')).toEqual(['skill']);
    expect(complete('portai', 'runs', 'show', '--j')).toEqual(['--json']);
    expect(complete('portai', '--config', 'portai.yaml', 'run', 'skill', '--dry')).toEqual(['--dry-run']);
    expect(complete('portai', 'run', 'skill', 'gr')).toEqual(['greet']);
    expect(complete('portai', 'run', 'skill', '-i', 'skill', 'gr')).toEqual(['greet']);
    expect(complete('portai', 'completion', '')).toEqual(['bash', 'fish', 'zsh']);
  });

  it('zsh and fish: scripts that name every command (and pass the shell itself when it is installed)', async () => {
    home = tempHome();
    const env = baseEnv(home);
    const names = await commandNames(env);
    expect(names).toEqual(expect.arrayContaining(['run', 'run skill', 'runs show', 'where', 'completion', 'queue cancel']));
    for (const shell of ['zsh', 'fish'] as const) {
      const script = await runCli(['completion', shell], { cwd: home, env });
      expect(script.code).toBe(0);
      for (const name of names) expect(script.stdout, `${shell} names ${name}`).toContain(`'${name.split(' ').at(-1)}`);
      for (const parent of names.filter((name) => names.some((other) => other.startsWith(`${name} `)))) expect(script.stdout).toContain(`'${parent}'`);
      const file = path.join(home, `portai.${shell}`);
      fs.writeFileSync(file, script.stdout);
      const binary = spawnSync('sh', ['-c', `command -v ${shell}`], { encoding: 'utf8' }).stdout.trim();
      if (binary) expect(spawnSync(binary, shell === 'zsh' ? ['-n', file] : ['--no-execute', file], { encoding: 'utf8' }).status, `${shell} accepts the script`).toBe(0);
    }
  });

  it('an unknown shell is bad usage: exit 2 with the shells it knows', async () => {
    home = tempHome();
    const result = await runCli(['completion', 'powershell'], { cwd: home, env: baseEnv(home) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('use one of: bash, zsh, fish');
  });
});
