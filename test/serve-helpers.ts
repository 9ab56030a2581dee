// Shared set-up for the `portai serve` tests: a fake provider, a real ledger in a temp folder, a config
// built in code (free OpenRouter-like models, a Z.AI-like Anthropic endpoint, a metered model), and the server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startFakeProvider, type FakeProvider } from './fake-provider/server.js';
import { openLedger, type Ledger } from '../src/ledger/index.js';
import { startServe, type RunningServer } from '../src/serve/index.js';
import { closeConnections } from '../src/wire/http.js';
import type { ConnectionLimits } from '../src/serve/connection-limits.js';
import type { Config, ResolvedModel, ResolvedProvider } from '../src/types.js';

export const KEYS = { OPENROUTER_API_KEY: 'sk-or-upstream-key-111', ZAI_API_KEY: 'zai-upstream-key-222', PAID_API_KEY: 'sk-paid-upstream-key-333' };

export interface Harness {
  fake: FakeProvider;
  ledger: Ledger;
  server: RunningServer;
  config: Config;
  home: string;
  logs: string[];
  /** attempts as stored in the ledger file */
  attempts(): Array<{ provider: string; model: string; client: string | null; status: string; billing: string }>;
  close(): Promise<void>;
}

function model(id: string, facts: Partial<ResolvedModel> & Pick<ResolvedModel, 'wire' | 'billing'>): ResolvedModel {
  return { id, context: 100_000, max_output: 8_000, ...facts };
}

function provider(name: string, facts: Partial<ResolvedProvider> & Pick<ResolvedProvider, 'family' | 'wire' | 'base_urls' | 'billing' | 'models'>): ResolvedProvider {
  return {
    name,
    preset: name,
    auth: 'bearer',
    headers: {},
    limits: {},
    wildcard: facts.models.map((item) => item.id),
    errors: [],
    warnings: [],
    ...facts,
  };
}

export function serveConfig(fakeUrl: string, overrides: Partial<Config> = {}, limits: ResolvedProvider['limits'] = {}): Config {
  return {
    file: '/virtual/portai.yaml',
    skills_dirs: [],
    defaults: { privacy: 'private' },
    budget: { usd_per_day: 0 },
    retry: { max_wait_seconds: 0 },
    calendars: {},
    providers: {
      openrouter: provider('openrouter', {
        family: 'openrouter',
        wire: 'openai-chat',
        base_urls: { 'openai-chat': `${fakeUrl}/api/v1` },
        api_key_env: 'OPENROUTER_API_KEY',
        billing: 'free',
        limits,
        models: [
          model('free/alpha:free', { wire: 'openai-chat', billing: 'free', trains_on_data: false, thinking: 'openrouter-reasoning' }),
          model('free/beta:free', { wire: 'openai-chat', billing: 'free', trains_on_data: false }),
        ],
      }),
      zai: provider('zai', {
        family: 'zai',
        wire: 'anthropic-messages',
        auth: 'x-api-key',
        base_urls: { 'anthropic-messages': `${fakeUrl}/api/anthropic` },
        api_key_env: 'ZAI_API_KEY',
        billing: 'subscription',
        models: [model('glm-4.7', { wire: 'anthropic-messages', billing: 'subscription', trains_on_data: false, context: 200_000 })],
      }),
      paid: provider('paid', {
        family: 'generic',
        wire: 'openai-chat',
        base_urls: { 'openai-chat': `${fakeUrl}/paid/v1` },
        api_key_env: 'PAID_API_KEY',
        billing: 'metered',
        models: [model('expensive-model', { wire: 'openai-chat', billing: 'metered', trains_on_data: false, price: { input: 3, output: 15 } })],
      }),
    },
    routes: [
      { when: { tag: 'background' }, use: ['openrouter/*', 'paid/expensive-model'] },
      { when: { effort: 'high' }, use: ['zai/glm-4.7', 'openrouter/*'] },
      { use: ['openrouter/*'] },
    ],
    serve: {
      models: {
        free: { effort: 'low', max_tokens: 321 },
        think: { effort: 'high' },
        '*haiku*': { effort: 'low', tag: 'background' },
        '*sonnet*': { effort: 'high' },
      },
    },
    ...overrides,
  };
}

export async function startHarness(options: { config?: (fakeUrl: string) => Config; connectionLimits?: Partial<ConnectionLimits> } = {}): Promise<Harness> {
  const fake = await startFakeProvider();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-serve-test-'));
  const ledger = openLedger(home);
  const config = options.config ? options.config(fake.url) : serveConfig(fake.url);
  const logs: string[] = [];
  // sleep is instant: retries still happen, the tests just do not wait for them
  const server = await startServe({ config, ledger, home, env: { ...KEYS }, log: (line) => logs.push(line), sleep: async () => {}, connectionLimits: options.connectionLimits });
  return {
    fake,
    ledger,
    server,
    config,
    home,
    logs,
    attempts() {
      const db = new Database(path.join(home, 'ledger.db'), { readonly: true });
      try {
        return db.prepare('select provider, model, client, status, billing from attempts order by started_ms, rowid').all() as ReturnType<Harness['attempts']>;
      } finally {
        db.close();
      }
    },
    async close() {
      await server.close();
      await fake.close();
      await closeConnections();
      ledger.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Raw SSE text, as the fake sends it with a raw reply. */
export function sse(chunks: unknown[], done = true): string {
  return chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : '');
}

export const SSE_HEADERS = { 'content-type': 'text/event-stream' };
