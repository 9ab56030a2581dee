// `portai dashboard` from the command line: the printed link, --open with and without a system opener, bad ports.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath } from './helpers/cli.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

let workspace: Workspace;
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => (child.exitCode !== null ? undefined : new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))))));
  workspace?.cleanup();
});

const CONFIG = 'skills: ./skills\nproviders:\n  local:\n    preset: openai-compatible\n    base_url: http://127.0.0.1:9/v1\n    billing: free\n    models: [ { id: small } ]\nroutes:\n  - use: [local/*]\n';

/** starts `portai dashboard`, resolves once it printed its link (and with what it wrote to stderr by then) */
function start(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcessWithoutNullStreams; link: string; stderr: () => string }> {
  const child = spawn(process.execPath, [cliPath, 'dashboard', ...args], { cwd: workspace.dir, env: { ...workspace.env, ...env } as NodeJS.ProcessEnv });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /^http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/m.exec(stdout);
      if (match) resolve({ child, link: match[0], stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => http.get(url, (response) => (response.resume(), resolve(response.statusCode ?? 0))).on('error', reject));
}

async function until(check: () => boolean): Promise<void> {
  for (let index = 0; index < 100 && !check(); index++) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('portai dashboard', () => {
  it('prints a link with the serve token; the link signs in, the bare address does not', async () => {
    workspace = createWorkspace(CONFIG);
    const { link } = await start(['--port', '0']);
    const token = fs.readFileSync(path.join(workspace.state, 'serve-token'), 'utf8').trim();
    expect(new URL(link).searchParams.get('token')).toBe(token);
    expect(await status(link)).toBe(303);
    expect(await status(new URL('/', link).href)).toBe(401);
  });

  it('--open hands the link to the system opener', async () => {
    workspace = createWorkspace(CONFIG);
    const bin = path.join(workspace.dir, 'bin');
    fs.mkdirSync(bin);
    const seen = path.join(workspace.dir, 'opened.txt');
    for (const name of ['xdg-open', 'open']) fs.writeFileSync(path.join(bin, name), `#!/bin/sh\nprintf '%s' "$1" > '${seen}'\n`, { mode: 0o755 });
    const { link } = await start(['--port', '0', '--open'], { PATH: `${bin}:${process.env.PATH ?? ''}` });
    await until(() => fs.existsSync(seen) && fs.readFileSync(seen, 'utf8').length > 0);
    expect(fs.readFileSync(seen, 'utf8')).toBe(link);
  });

  it('--open without any opener still serves, and says to open the link by hand', async () => {
    workspace = createWorkspace(CONFIG);
    const { link, stderr } = await start(['--port', '0', '--open'], { PATH: path.join(workspace.dir, 'nothing-here') });
    await until(() => stderr().includes('could not start'));
    expect(stderr()).toMatch(/could not start (xdg-open|open) to open the browser; open the link above yourself/);
    expect(await status(link)).toBe(303);
  });

  it('a bad or busy port is bad input (exit 2) with the fix', async () => {
    workspace = createWorkspace(CONFIG);
    const bad = await workspace.run(['dashboard', '--port', 'eighty']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port eighty: expected a port number from 0 to 65535');
    const { link } = await start(['--port', '0']);
    const busy = await workspace.run(['dashboard', '--port', new URL(link).port]);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain('the port is already in use (another portai dashboard, or another program)');
    expect(busy.stderr).not.toMatch(/\n\s+at /);
  });
});
