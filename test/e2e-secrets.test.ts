// Issue 11, item 2: every configured key is redacted from every channel, not only the key of the provider
// that answered. Three providers with distinctive keys on the loopback fake; each upstream error echoes the
// OTHER providers' keys (and calendar and skill secrets). The CLI runs as a child process; every output
// channel and the raw bytes of the SQLite ledger (and its WAL) are searched for each secret.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { cliPath } from './helpers/cli.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { REDACTED, redact, rememberSecrets } from '../src/redact.js';

// none has a known key shape: only the config's api_key_env / username_env / password_env and the skill's
// env: can tell portai that these values are secrets
const SECRETS = {
  ALPHA_CRED: 'alpha-provider-secret-7f3a9c21',
  BETA_CRED: 'beta-provider-secret-4d8e0b56',
  GAMMA_CRED: 'gamma-provider-secret-1c6f2a93',
  CAL_LOGIN: 'calendar-user-5e7d3b19',
  CAL_WORD: 'calendar-pass-8a2c4f60',
  TOOL_CRED: 'skill-env-token-3b9d7e15',
};
const ALL = Object.values(SECRETS);
// never configured anywhere, caught by shape alone
const UNCONFIGURED = ['sk-ant-api03-Zq8xWv3Lm0Nb7Kc2Hd5Jf9Gs1Rt4Yp6Ue8Io0Pa', '5371d5ed2fa84618852eee0459455c57.dgquQksHDfyLekKX', `sk-or-v1-${'0a1b2c3d'.repeat(8)}`];

const provider = useFakeProvider();
let workspace: Workspace | undefined;
afterEach(() => {
  workspace?.cleanup();
  workspace = undefined;
});

function config(origin: string): string {
  const entry = (name: string, variable: string, model: string) => `  ${name}:
    preset: openai-compatible
    base_url: ${origin}/v1
    api_key_env: ${variable}
    billing: free
    models:
      - { id: ${model}, context: 32000 }
`;
  return `skills: ./skills
budget: { usd_per_day: 0 }
providers:
${entry('alpha', 'ALPHA_CRED', 'a-model')}${entry('beta', 'BETA_CRED', 'b-model')}${entry('gamma', 'GAMMA_CRED', 'c-model')}calendars:
  home: { caldav: 'http://127.0.0.1:9/cal/', username_env: CAL_LOGIN, password_env: CAL_WORD }
serve:
  privacy: public
  models:
    free: { effort: low }
routes:
  - use: [alpha/a-model, beta/b-model, gamma/c-model]
`;
}

const LEAK_SKILL = `name: leak
outcome: A reply.
privacy: public
env: [TOOL_CRED]
inputs:
  topic: { type: string }
steps:
  - id: ask
    prompt: "About {{topic}}; the tool token is {{env.TOOL_CRED}}"
`;

/** Every provider fails, each error body echoing the other providers' keys and the other secrets. */
function failEveryProvider(extra: string[] = []): void {
  provider.enqueue(
    { model: 'a-model', status: 401, body: { error: { message: `Incorrect API key; also tried ${SECRETS.BETA_CRED} and ${SECRETS.GAMMA_CRED} ${extra.join(' ')}`, type: 'invalid_request_error', code: 'invalid_api_key' } } },
    { model: 'b-model', status: 404, body: { error: { code: 404, message: `No endpoints found for b-model (key ${SECRETS.ALPHA_CRED}, user ${SECRETS.CAL_LOGIN})`, metadata: { raw: `password=${SECRETS.CAL_WORD}` } } } },
    { model: 'c-model', status: 402, body: { error: { code: 402, message: `Payment required for ${SECRETS.ALPHA_CRED}/${SECRETS.BETA_CRED}; prompt had ${SECRETS.TOOL_CRED}`, metadata: { limit_source: SECRETS.GAMMA_CRED } } } },
  );
}

function expectClean(channels: Record<string, string>, secrets = ALL): void {
  for (const [channel, text] of Object.entries(channels)) {
    for (const secret of secrets) expect(text, `${channel} holds ${secret}`).not.toContain(secret);
  }
}

function setup(): Workspace {
  workspace = createWorkspace(config(provider.url), { leak: LEAK_SKILL }, SECRETS);
  return workspace;
}

describe('no key of any provider reaches any output channel or the ledger', () => {
  it('a failed run: stderr, --json, runs show (text and --json), providers list, usage and the ledger bytes', async () => {
    const space = setup();
    failEveryProvider(UNCONFIGURED);
    const failed = await space.run(['run', 'skill', 'leak', '-i', 'topic=keys']);
    expect(failed.code).toBe(1);
    // the errors were reported, with the secrets replaced
    expect(failed.stderr).toContain('Incorrect API key');
    expect(failed.stderr).toContain(REDACTED);
    expect(provider.requests.filter((request) => request.method === 'POST').map((request) => (request.body as { model: string }).model)).toEqual(['a-model', 'b-model', 'c-model']);
    // the prompt carried the skill's secret to the provider: that is the skill's own choice, and it went only there
    expect(JSON.stringify(provider.requests[0].body)).toContain(SECRETS.TOOL_CRED);

    const id = JSON.parse((await space.run(['runs', 'list', '--json'])).stdout)[0].id as string;
    const shown = await space.run(['runs', 'show', id]);
    const shownJson = await space.run(['runs', 'show', id, '--json']);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shownJson.stdout).attempts).toHaveLength(3);
    expect(shown.stdout).toContain('No endpoints found');
    const providersList = await space.run(['providers', 'list', '--json']);
    const usage = await space.run(['usage', '--json']);
    const ledger = space.ledgerBytes();
    expect(ledger).toContain('Incorrect API key'); // the error text is stored, only the secrets are not
    expectClean({ stdout: failed.stdout, stderr: failed.stderr, show: shown.stdout + shown.stderr, showJson: shownJson.stdout, providers: providersList.stdout, usage: usage.stdout, ledger }, [...ALL, ...UNCONFIGURED]);
  }, 60_000);

  it('--json of a failed run, and a successful run whose answer echoes every secret', async () => {
    const space = setup();
    failEveryProvider();
    const failed = await space.run(['run', 'skill', 'leak', '-i', 'topic=keys', '--json']);
    expect(failed.code).toBe(1);
    const parsed = JSON.parse(failed.stdout) as { status: string; problem: string[] };
    expect(parsed.status).toBe('failed');
    expect(parsed.problem.join('\n')).toContain(REDACTED);
    expectClean({ stdout: failed.stdout, stderr: failed.stderr });

    workspace?.cleanup();
    const second = setup();
    provider.reset();
    provider.reply(() => ({ text: `Here you go: ${ALL.join(' ')} ${UNCONFIGURED.join(' ')}` }));
    const ok = await second.run(['run', 'skill', 'leak', '-i', 'topic=keys']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Here you go:');
    const okJson = await second.run(['run', 'skill', 'leak', '-i', 'topic=again', '--json']);
    expect(JSON.parse(okJson.stdout).output).toContain('Here you go:');
    expectClean({ stdout: ok.stdout, stderr: ok.stderr, json: okJson.stdout, ledger: second.ledgerBytes() }, [...ALL, ...UNCONFIGURED]);
  }, 60_000);

  it('a deferred run worked by `portai worker`: its log, queue list and the stored job reason', async () => {
    const space = setup();
    const deferred = await space.run(['run', 'skill', 'leak', '-i', 'topic=later', '--defer']);
    expect(deferred.code).toBe(0);
    failEveryProvider();
    const worker = await space.run(['worker', '--once']);
    expect(worker.code).toBe(0);
    expect(provider.requests.filter((request) => request.method === 'POST')).toHaveLength(3);
    const queue = await space.run(['queue', 'list', '--all', '--json']);
    const jobs = JSON.parse(queue.stdout) as Array<{ state: string; reason: string | null }>;
    expect(jobs[0].reason ?? '').toContain(REDACTED);
    expectClean({ worker: worker.stdout + worker.stderr, queue: queue.stdout, ledger: space.ledgerBytes() });
  }, 60_000);

  it('portai serve: the error body a client gets, serve log lines and the ledger', async () => {
    const space = setup();
    failEveryProvider(UNCONFIGURED);
    const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0'], { cwd: space.dir, env: space.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    try {
      const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
      const origin = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', () => {
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
          if (match) resolve(match[1]);
        });
        child.on('close', () => reject(new Error(`serve exited early: ${stderr}`)));
      });
      const token = fs.readFileSync(path.join(space.state, 'serve-token'), 'utf8').trim();
      const answer = await fetch(`${origin}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'free', messages: [{ role: 'user', content: 'hello' }] }),
      });
      const body = await answer.text();
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(body).toContain(REDACTED);
      expect(provider.requests.filter((request) => request.method === 'POST')).toHaveLength(3);
      child.kill('SIGTERM');
      await exited;
      // serve runs no skill, so a skill's env: secret is not one it knows of; every configured one is
      const configured = ALL.filter((secret) => secret !== SECRETS.TOOL_CRED);
      expectClean({ body, stdout, stderr, ledger: space.ledgerBytes() }, [...configured, ...UNCONFIGURED]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('the redactor', () => {
  it('replaces known values (a longer one whole) and key shapes, and leaves short values and ordinary text alone', () => {
    rememberSecrets(['redactor-unit-secret-42', 'redactor-unit-secret-42-longer', 'short']);
    expect(redact('a redactor-unit-secret-42-longer b redactor-unit-secret-42 c')).toBe(`a ${REDACTED} b ${REDACTED} c`);
    expect(redact('short and sk-ant-api03-abcdefghijklmnopqrstuvwxyz and 5371d5ed2fa84618852eee0459455c57.dgquQksHDfyLekKX')).toBe(`short and ${REDACTED} and ${REDACTED}`);
    // a task name, a token that merely contains -sk-, or a content hash is not a key
    const ordinary = `task-management-overview-for-the-team portai-Ab3-sk-0123456789abcdefXYZ sha ${'ab'.repeat(32)}.json`;
    expect(redact(ordinary)).toBe(ordinary);
  });
});
