// The rest of the core CLI as a user meets it, each through the real built CLI in a child process:
// what init leaves behind, usage and providers after real runs, progress on a terminal, runs list limits,
// an Anthropic-compatible stream's usage, and `portai serve` started, called and stopped.
// (e2e-run, e2e-guards and e2e-commands cover the rest of issue 2; nothing here repeats them.)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, localConfig, HELLO_SKILL, type Workspace } from './helpers/workspace.js';
import { baseEnv, cliPath, runCli, tempHome } from './helpers/cli.js';

const KEY = 'sk-local-e2e-cli-3e8d1c2b9a7f6e5d';
const provider = useFakeProvider();
let workspace: Workspace | undefined;

afterEach(() => {
  workspace?.cleanup();
  workspace = undefined;
});

const ROUTE_LOCAL = 'routes:\n  - use: [local/*]\n';
const sentModels = () => provider.requests.filter((request) => request.method === 'POST').map((request) => (request.body as { model: string }).model);

function setup(routes = ROUTE_LOCAL, config?: string): Workspace {
  workspace = createWorkspace(config ?? localConfig(provider.url, routes), { greet: HELLO_SKILL }, { LOCAL_KEY: KEY });
  return workspace;
}

describe('portai init leaves a working starting point', () => {
  it('writes skills/hello.yaml, which skills show prints from the workspace', async () => {
    const dir = tempHome();
    try {
      const env = baseEnv(dir, { OPENROUTER_API_KEY: 'sk-or-init-cli' });
      expect((await runCli(['init'], { cwd: dir, env })).code).toBe(0);
      const written = fs.readFileSync(path.join(dir, 'skills', 'hello.yaml'), 'utf8');
      expect(written).toMatch(/^name: hello$/m);
      // the user edits the example; show must print their file, not the shipped one
      fs.writeFileSync(path.join(dir, 'skills', 'hello.yaml'), `${written.trimEnd()}\n# edited by the user\n`);
      const shown = await runCli(['skills', 'show', 'hello'], { cwd: dir, env });
      expect(shown.code).toBe(0);
      const header = shown.stdout.split('\n')[0];
      expect(header.startsWith('# ')).toBe(true);
      expect(fs.realpathSync(header.slice(2))).toBe(fs.realpathSync(path.join(dir, 'skills', 'hello.yaml')));
      expect(shown.stdout).toContain('# edited by the user');
      const providers = await runCli(['providers', 'list'], { cwd: dir, env });
      expect(providers.code).toBe(0);
      expect(providers.stdout).toContain('OPENROUTER_API_KEY set');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('usage and providers after real runs', () => {
  it('count requests per window and metered spend today, with what is left', async () => {
    const config = `${localConfig(provider.url, 'routes:\n  - when: { skill: paid-* }\n    use: [paid/pricey]\n  - use: [local/*]\n')
      .replace('budget: { usd_per_day: 0 }', 'budget: { usd_per_day: 1 }')
      .replace('    billing: free\n', '    billing: free\n    limits: { requests_per_minute: 10, requests_per_day: 40 }\n')}`;
    workspace = createWorkspace(config, { greet: HELLO_SKILL, 'paid-greet': HELLO_SKILL.replace('name: greet', 'name: paid-greet') }, { LOCAL_KEY: KEY });
    provider.enqueue({ text: 'one' }, { text: 'two' }, { status: 500, body: { error: { message: 'boom' } } }, { status: 500, body: { error: { message: 'boom' } } }, { status: 500, body: { error: { message: 'boom' } } }, { status: 500, body: { error: { message: 'boom' } } });
    expect((await workspace.run(['run', 'skill', 'greet', '-i', 'name=A'])).code).toBe(0);
    expect((await workspace.run(['run', 'skill', 'greet', '-i', 'name=B'])).code).toBe(0);
    expect((await workspace.run(['run', 'skill', 'greet', '-i', 'name=C'])).code).toBe(1);
    const localSent = provider.requests.length;
    // a metered run the route names and the $1 budget allows: 100k input at $1/M + 50k output at $2/M = $0.20
    provider.enqueue({ text: 'paid hello', usage: { input_tokens: 100_000, output_tokens: 50_000 }, cost: 0.2 });
    const paid = await workspace.run(['run', 'skill', 'paid-greet', '-i', 'name=D', '--json']);
    expect(paid.code).toBe(0);
    const paidCost = JSON.parse(paid.stdout).steps[0].cost_usd as number;
    expect(paidCost).toBeGreaterThan(0);

    const usage = JSON.parse((await workspace.run(['usage', '--json'])).stdout);
    expect(usage.budget_usd_per_day).toBe(1);
    expect(usage.spend_today_usd).toBeCloseTo(paidCost, 6);
    const local = usage.providers.find((entry: { provider: string }) => entry.provider === 'local');
    expect(local.requests_today).toBe(localSent);
    expect(local.spend_today_usd).toBe(0);
    expect(local.limits).toContainEqual({ window: 'minute', unit: 'requests', limit: 10, used: localSent, remaining: 10 - localSent });
    expect(local.limits).toContainEqual({ window: 'day (UTC)', unit: 'requests', limit: 40, used: localSent, remaining: 40 - localSent });
    const paidEntry = usage.providers.find((entry: { provider: string }) => entry.provider === 'paid');
    expect(paidEntry).toMatchObject({ billing: 'metered', requests_today: 1 });
    expect(paidEntry.spend_today_usd).toBeCloseTo(paidCost, 6);

    const providers = JSON.parse((await workspace.run(['providers', 'list', '--json'])).stdout);
    expect(providers.map((entry: { provider: string; billing: string }) => [entry.provider, entry.billing])).toEqual([
      ['local', 'free'],
      ['paid', 'metered'],
    ]);
    expect(providers[0].limits).toEqual(local.limits);
    expect(providers[0].key).toEqual({ variable: 'LOCAL_KEY', set: true });
    const human = await workspace.run(['usage']);
    expect(human.stdout).toContain(`metered spend today: $${paidCost.toFixed(4)} of $1.00 budget`);
  });
});

describe('progress on stderr', () => {
  /** Runs the CLI with a pseudo-terminal as stdin/stdout/stderr (util-linux `script`); returns everything it wrote. */
  function runOnTerminal(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
    const command = [process.execPath, cliPath, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
    return new Promise((resolve, reject) => {
      const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: workspace?.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, output });
      });
    });
  }

  // util-linux `script` is part of every Debian system: a missing one fails the test rather than skipping it
  it('names the provider and model on a terminal, in colour unless NO_COLOR is set', async () => {
    setup();
    provider.reply(() => ({ text: 'hello there', usage: { input_tokens: 9, output_tokens: 2 } }));
    const { NO_COLOR: _ignored, ...colourEnv } = workspace!.env;
    const coloured = await runOnTerminal(['run', 'skill', 'greet', '-i', 'name=Tty'], { ...colourEnv, TERM: 'xterm' });
    expect(coloured.code).toBe(0);
    expect(coloured.output).toContain('hello there');
    expect(coloured.output).toContain('local/small-model');
    expect(coloured.output).toContain('\u001b[');
    const plain = await runOnTerminal(['run', 'skill', 'greet', '-i', 'name=Tty'], { ...workspace!.env, TERM: 'xterm' });
    expect(plain.code).toBe(0);
    expect(plain.output).toMatch(/say .*local\/small-model/);
    expect(plain.output).toContain('9+2 tokens');
    expect(plain.output).not.toContain('\u001b');
  });

  it('without a terminal, stderr stays empty on success', async () => {
    setup();
    provider.enqueue({ text: 'quiet hello' });
    const result = await workspace!.run(['run', 'skill', 'greet', '-i', 'name=Pipe'], { env: { NO_COLOR: undefined } });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('quiet hello\n');
    expect(result.stderr).toBe('');
  });
});

describe('runs list --limit', () => {
  it('returns the newest N runs', async () => {
    setup();
    provider.enqueue({ text: 'first' }, { text: 'second' });
    const first = JSON.parse((await workspace!.run(['run', 'skill', 'greet', '-i', 'name=One', '--json'])).stdout).run_id;
    const second = JSON.parse((await workspace!.run(['run', 'skill', 'greet', '-i', 'name=Two', '--json'])).stdout).run_id;
    expect(first).not.toBe(second);
    const limited = await workspace!.run(['runs', 'list', '--limit', '1', '--json']);
    expect(limited.code).toBe(0);
    expect(JSON.parse(limited.stdout).map((run: { id: string }) => run.id)).toEqual([second]);
    const all = JSON.parse((await workspace!.run(['runs', 'list', '--json'])).stdout);
    expect(all.map((run: { id: string }) => run.id)).toEqual([second, first]);
    const negative = await workspace!.run(['runs', 'list', '--limit', 'two']);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain('--limit');
    expect((await workspace!.run(['runs', 'frobnicate'])).code).toBe(2);
  });
});

describe('an Anthropic-compatible stream', () => {
  it('sends the same headers and system as JSON, and records the tokens the stream reports', async () => {
    const config = `skills: ./skills
providers:
  claude:
    preset: anthropic-compatible
    base_url: ${provider.url}
    api_key_env: ANT_KEY
    billing: subscription
    models: [{ id: claude-test, trains_on_data: false }]
routes:
  - use: [claude/*]
`;
    workspace = createWorkspace(config, { greet: HELLO_SKILL }, { ANT_KEY: KEY });
    provider.enqueue({ text: 'streamed greeting', usage: { input_tokens: 33, output_tokens: 5 } });
    const streamed = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Sam', '--stream']);
    expect(streamed.code).toBe(0);
    expect(streamed.stdout).toBe('streamed greeting\n');
    const [request] = provider.requests;
    const body = request.body as { stream?: boolean; system?: unknown; messages: Array<{ role: string; content: unknown }> };
    expect(request.path).toBe('/v1/messages');
    expect(body.stream).toBe(true);
    expect(request.headers['anthropic-version']).toBe('2023-06-01');
    expect([KEY, `Bearer ${KEY}`]).toContain(request.headers['x-api-key'] ?? request.headers.authorization);
    expect(JSON.stringify(body.system)).toContain("A one-line friendly greeting that uses the person's name.");
    expect(body.messages.some((message) => message.role === 'system')).toBe(false);
    const runs = JSON.parse((await workspace.run(['runs', 'list', '--json'])).stdout);
    const shown = JSON.parse((await workspace.run(['runs', 'show', runs[0].id, '--json'])).stdout);
    expect(shown.output).toBe('streamed greeting');
    expect(shown.attempts[0]).toMatchObject({ provider: 'claude', model: 'claude-test', status: 'ok', input_tokens: 33, output_tokens: 5 });
  });
});

describe('portai serve as a child process', () => {
  it('reports the real port for --port 0, answers /v1/models with the token and 401 without, and exits 0 on SIGTERM', async () => {
    const config = `${localConfig(provider.url, ROUTE_LOCAL)}serve:\n  models:\n    free: { effort: low }\n`;
    setup(ROUTE_LOCAL, config);
    const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0'], { cwd: workspace!.dir, env: workspace!.env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const origin = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', () => {
          const match = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(stderr);
          if (match) resolve(match[1]);
        });
        child.on('close', () => reject(new Error(`serve exited early: ${stderr}`)));
      });
      expect(Number(new URL(origin).port)).toBeGreaterThan(0);
      const token = fs.readFileSync(path.join(workspace!.state, 'serve-token'), 'utf8').trim();
      // only its owner may read the token
      expect((fs.statSync(path.join(workspace!.state, 'serve-token')).mode & 0o777).toString(8)).toBe('600');
      const allowed = await fetch(`${origin}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
      expect(allowed.status).toBe(200);
      const listed = (await allowed.json()) as { data: Array<{ id: string }> };
      expect(listed.data.map((model) => model.id)).toContain('free');
      const refused = await fetch(`${origin}/v1/models`);
      expect(refused.status).toBe(401);
      await refused.arrayBuffer();
      const wrong = await fetch(`${origin}/v1/models`, { headers: { authorization: 'Bearer not-the-token' } });
      expect(wrong.status).toBe(401);
      await wrong.arrayBuffer();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).not.toContain(token);
      expect(sentModels()).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
