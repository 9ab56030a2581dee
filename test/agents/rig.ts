// The set-up for running real coding agents (Claude Code, Codex, opencode) against `portai serve`: the loopback
// fake upstream in this process, `portai serve` as a real child process (the built CLI, a portai.yaml, a real
// ledger file), and the agent as another child process with a throwaway HOME and every kind of traffic that is
// not the model request turned off. Nothing here reaches the internet.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startFakeProvider, type FakeProvider, type RecordedRequest } from '../fake-provider/server.js';
import { cliPath, repoRoot, tempHome } from '../helpers/cli.js';

export const OPENROUTER_KEY = 'sk-or-v1-agents-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
export const ZAI_KEY = 'zai-agents-upstream-key-222';
export const PAID_KEY = 'sk-paid-agents-upstream-key-333';

/** Binaries of the pinned agents (devDependencies in package.json). */
export const AGENT_BIN = {
  claude: path.join(repoRoot, 'node_modules', '.bin', 'claude'),
  codex: path.join(repoRoot, 'node_modules', '.bin', 'codex'),
  opencode: path.join(repoRoot, 'node_modules', '.bin', 'opencode'),
};

/**
 * The portai config the agents go through, all on the fake:
 * - `openrouter` (OpenAI chat, free models), the default route;
 * - `busy`, a second OpenRouter key with 2 requests a minute, behind the `busy` alias (the rate-window scenario);
 * - `zai` (Anthropic Messages, subscription) behind `think`: Claude Code's main model passes through untranslated;
 * - `paid` (metered) behind the `paid` alias with a $0 budget: the spend guard must refuse it.
 */
export function rigConfig(fakeUrl: string): string {
  return `budget: { usd_per_day: 0 }
retry: { max_wait_seconds: 0 }
providers:
  openrouter:
    preset: openrouter
    base_url: ${fakeUrl}/api/v1
    models:
      - { id: free/alpha:free, trains_on_data: false }
  busy:
    preset: openrouter
    base_url: ${fakeUrl}/busy/api/v1
    limits: { requests_per_minute: 2 }
    models:
      - { id: busy/gamma:free, trains_on_data: false }
  zai:
    preset: zai-coding-anthropic
    base_url: ${fakeUrl}/api/anthropic
    models:
      - { id: glm-4.7, trains_on_data: false }
  paid:
    preset: openai-compatible
    base_url: ${fakeUrl}/paid/v1
    api_key_env: PAID_API_KEY
    billing: metered
    models:
      - { id: expensive-model, trains_on_data: false, price: { input: 3, output: 15 }, max_output: 8000 }
routes:
  - when: { tag: busy }
    use: [busy/*]
  - when: { tag: metered }
    use: [paid/expensive-model]
  - when: { effort: high }
    use: [zai/glm-4.7]
  - use: [openrouter/*]
serve:
  privacy: private
  models:
    free: { effort: low }
    think: { effort: high }
    busy: { effort: low, tag: busy }
    paid: { effort: low, tag: metered }
    "*haiku*": { effort: low }
    "*sonnet*": { effort: high }
    "*opus*": { effort: high }
`;
}

/** One request an agent sent to portai, as the relay in front of portai saw it. */
export interface Exchange {
  method: string;
  path: string;
  /** the agent's body (parsed JSON when it is JSON) */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** portai's answer */
  status: number;
  responseHeaders: Record<string, string | string[] | undefined>;
  at_ms: number;
}

export interface Rig {
  fake: FakeProvider;
  /** http://127.0.0.1:PORT of portai serve */
  url: string;
  /**
   * Where the agents are pointed: a byte-for-byte relay in front of portai that records each request and portai's
   * status (Host rewritten to portai's, as a client configured with portai's port sends it). It changes nothing.
   */
  clientPort: number;
  exchanges: Exchange[];
  token: string;
  /** the agent's throwaway HOME (also its working directory's parent) */
  home: string;
  /** the agent's working directory */
  work: string;
  /** PORTAI_HOME of the serve process */
  state: string;
  /** what portai serve wrote to stderr so far */
  serveLog(): string;
  /** attempts as stored in portai's ledger file */
  attempts(): Array<{ provider: string; model: string; client: string | null; status: string }>;
  /** requests the fake got for a chat/messages endpoint, in order, with the wire they came in */
  modelRequests(): Array<RecordedRequest & { protocol: 'openai-chat' | 'anthropic-messages' }>;
  close(): Promise<void>;
}

export async function startRig(): Promise<Rig> {
  const fake = await startFakeProvider();
  const home = tempHome('portai-agents-');
  const state = path.join(home, '.portai-state');
  const work = path.join(home, 'project');
  fs.mkdirSync(work, { recursive: true });
  const serveDir = path.join(home, 'serve');
  fs.mkdirSync(serveDir);
  fs.writeFileSync(path.join(serveDir, 'portai.yaml'), rigConfig(fake.url));
  const env = { PATH: process.env.PATH ?? '', HOME: serveDir, PORTAI_HOME: state, NO_COLOR: '1', TZ: 'UTC', OPENROUTER_API_KEY: OPENROUTER_KEY, ZAI_API_KEY: ZAI_KEY, PAID_API_KEY: PAID_KEY };
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0'], { cwd: serveDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk) => (log += chunk));
  child.stdout.on('data', (chunk) => (log += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`portai serve did not start:\n${log}`)), 30_000);
    child.stderr.on('data', () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`portai serve exited with ${code}:\n${log}`));
    });
  });
  const token = fs.readFileSync(path.join(state, 'serve-token'), 'utf8').trim();
  const exchanges: Exchange[] = [];
  const relay = await startRelay(url, exchanges);
  return {
    fake,
    url,
    clientPort: (relay.address() as AddressInfo).port,
    exchanges,
    token,
    home,
    work,
    state,
    serveLog: () => log,
    attempts() {
      const db = new Database(path.join(state, 'ledger.db'), { readonly: true });
      try {
        return db.prepare('select provider, model, client, status from attempts order by started_ms, rowid').all() as ReturnType<Rig['attempts']>;
      } finally {
        db.close();
      }
    },
    modelRequests: () =>
      fake.requests.flatMap((request): ReturnType<Rig['modelRequests']> => {
        const pathname = request.path.split('?')[0];
        if (request.method !== 'POST') return [];
        if (pathname.endsWith('/chat/completions')) return [{ ...request, protocol: 'openai-chat' as const }];
        return pathname.endsWith('/v1/messages') ? [{ ...request, protocol: 'anthropic-messages' as const }] : [];
      }),
    async close() {
      relay.closeAllConnections();
      await new Promise((resolve) => relay.close(resolve));
      await stop(child);
      await fake.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

function startRelay(target: string, exchanges: Exchange[]): Promise<http.Server> {
  const origin = new URL(target);
  const relay = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const upstream = http.request(target + (incoming.url ?? '/'), { method: incoming.method, headers: { ...incoming.headers, host: origin.host } }, (answer) => {
        const text = bytes.toString('utf8');
        let body: unknown = text;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          // not JSON: kept as text
        }
        exchanges.push({ method: incoming.method ?? 'GET', path: incoming.url ?? '/', body, headers: incoming.headers, status: answer.statusCode ?? 0, responseHeaders: answer.headers, at_ms: Date.now() });
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      upstream.on('error', () => outgoing.destroy());
      outgoing.on('close', () => upstream.destroy());
      upstream.end(bytes);
    });
  });
  return new Promise((resolve) => relay.listen(0, '127.0.0.1', () => resolve(relay)));
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface AgentResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs an agent to its end (or kills it after timeout_ms), stdin closed. */
export function runAgent(bin: string, args: string[], options: { cwd: string; env: Record<string, string>; timeout_ms?: number; stopWhen?: () => boolean }): Promise<AgentResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout_ms ?? 90_000);
    // an agent that retries a refusal for ever is stopped once the test has seen what it waits for
    const poll = options.stopWhen && setInterval(() => options.stopWhen?.() && child.kill('SIGTERM'), 250);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

