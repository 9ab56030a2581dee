// Sync against the fake provider with a real ledger file: a second sync with a changed catalog
// reports removed / re-priced / expiring / new free models, and the router's catalog guard then
// skips the configured free model that turned paid, without a request.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { openLedger, type Ledger } from '../src/ledger/index.js';
import { plan } from '../src/router/index.js';
import { providerWindows } from '../src/runner/endpoint.js';
import { BadInputError } from '../src/errors.js';
import type { Config, StepTraits } from '../src/types.js';
import { catalogStatus, listModels, syncCatalog } from '../src/catalog/index.js';
import { startFakeProvider, type FakeProvider } from './fake-provider/server.js';
import { openCodeModel, openRouterModel } from './fake-provider/catalog-routes.js';

const DAY = 86_400_000;
const T1 = Date.UTC(2026, 10, 20, 9, 0, 0);
const T2 = T1 + DAY;
const env = { OPENROUTER_API_KEY: 'sk-or-test-key', OPENCODE_API_KEY: 'oc-test-key' };

let openrouter: FakeProvider;
let opencode: FakeProvider;
let folder: string;
let ledger: Ledger;
let config: Config;
let deadPort: number;

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  openrouter = await startFakeProvider();
  opencode = await startFakeProvider();
  deadPort = await closedPort();
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-catalog-'));
  const file = path.join(folder, 'portai.yaml');
  fs.writeFileSync(file, `skills: ./skills
providers:
  openrouter:
    preset: openrouter
    base_url: ${openrouter.url}/api/v1
    models:
      - id: vendor/alpha:free
      - id: vendor/beta:free
      - id: vendor/gamma:free
        trains_on_data: false
  opencode-go:
    preset: opencode-go
    base_url: ${opencode.url}/zen/go/v1
    models: [ { id: glm-5.1 }, { id: glm-5.2 } ]
  dead:
    preset: openrouter
    api_key_env: OPENROUTER_API_KEY
    base_url: http://127.0.0.1:${deadPort}/api/v1
    models: [ { id: vendor/alpha:free } ]
  zai: { preset: zai-coding }
routes:
  - when: { effort: high }
    use: [opencode-go/glm-5.1]
  - use: [openrouter/*]
`);
  config = loadConfig({ flag: file, env, cwd: folder });
  ledger = openLedger(path.join(folder, 'state'));
});

afterAll(async () => {
  ledger?.close();
  await openrouter?.close();
  await opencode?.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

const traits: StepTraits = { skill: 'demo', step: 'one', effort: 'low', privacy: 'public', tags: [], prompt_chars: 400 };
const planAt = (now_ms: number) =>
  plan({ config, traits, snapshot: ledger.usage(providerWindows(config, now_ms), now_ms), blocks: [], catalog: catalogStatus(config, ledger, now_ms), env });

describe('models sync', () => {
  it('first sync stores every catalog with prices per million and reports no news; a dead endpoint fails alone', async () => {
    openrouter.setModels([
      openRouterModel({ id: 'vendor/alpha:free' }),
      openRouterModel({ id: 'vendor/beta:free' }),
      openRouterModel({ id: 'vendor/gamma:free' }),
      openRouterModel({ id: 'other/old:free' }),
      openRouterModel({ id: 'vendor/paid', prompt: '0.0000005', completion: '0.000003', context: 1048576 }),
    ]);
    opencode.setModels([openCodeModel('glm-5.1'), openCodeModel('kimi-k2.5')]);

    const reports = await syncCatalog({ config, ledger, env, now_ms: T1 });
    const byName = Object.fromEntries(reports.map((report) => [report.provider, report]));
    expect(Object.keys(byName).sort()).toEqual(['dead', 'opencode-go', 'openrouter']);
    expect(byName.openrouter).toMatchObject({ ok: true, models: 5, previous_sync_utc: null, gone: [], priced: [], expiring: [], new_free: [] });
    expect(byName['opencode-go']).toMatchObject({ ok: true, models: 2, gone: ['glm-5.2'], priced: [] });
    expect(byName.dead.ok).toBe(false);
    expect(byName.dead.error).toMatch(new RegExp(`cannot reach http://127\\.0\\.0\\.1:${deadPort}`));
    expect(JSON.stringify(reports)).not.toContain(env.OPENROUTER_API_KEY);

    // each key went to its own provider only
    expect(openrouter.requests.map((request) => [request.method, request.path, request.headers.authorization])).toEqual([['GET', '/api/v1/models', `Bearer ${env.OPENROUTER_API_KEY}`]]);
    expect(opencode.requests.map((request) => [request.path, request.headers.authorization])).toEqual([['/zen/go/v1/models', `Bearer ${env.OPENCODE_API_KEY}`]]);

    expect(ledger.lastSync('openrouter')).toBe(T1);
    expect(ledger.lastSync('dead')).toBeUndefined();
    const paid = ledger.catalogOf('openrouter').find((row) => row.id === 'vendor/paid');
    expect(paid).toMatchObject({ prompt_price: 0.5, completion_price: 3, context: 1048576 });

    expect(planAt(T1).candidates.map((candidate) => candidate.model)).toEqual(['vendor/alpha:free', 'vendor/beta:free', 'vendor/gamma:free']);
  });

  it('a second sync reports the removed, re-priced, expiring and new free models', async () => {
    const soon = new Date(T2 + 5 * DAY).toISOString().slice(0, 10);
    openrouter.setModels([
      openRouterModel({ id: 'vendor/alpha:free', prompt: '0.0000001', completion: '0.0000004' }),
      openRouterModel({ id: 'vendor/gamma:free', expiration: soon }),
      openRouterModel({ id: 'other/old:free' }),
      openRouterModel({ id: 'other/new:free' }),
      openRouterModel({ id: 'vendor/paid', prompt: '0.0000005', completion: '0.000003' }),
    ]);
    const reports = await syncCatalog({ config, ledger, env, provider: 'openrouter', now_ms: T2 });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      provider: 'openrouter',
      ok: true,
      previous_sync_utc: new Date(T1).toISOString(),
      synced_utc: new Date(T2).toISOString(),
      gone: ['vendor/beta:free'],
      priced: [{ id: 'vendor/alpha:free', input: 0.1, output: 0.4 }],
      expiring: [{ id: 'vendor/gamma:free', expires: soon, days_left: 4, configured: true }],
      new_free: ['other/new:free'],
    });
  });

  it("the router's catalog guard now skips the re-priced and the removed model without a request", () => {
    const result = planAt(T2);
    expect(result.candidates.map((candidate) => candidate.model)).toEqual(['vendor/gamma:free']);
    const rejected = Object.fromEntries(result.rejected.map((rejection) => [rejection.model, rejection]));
    expect(rejected['vendor/alpha:free']).toMatchObject({ guard: 'catalog', reason: expect.stringContaining('not free since 2026-11-21') });
    expect(rejected['vendor/beta:free']).toMatchObject({ guard: 'catalog', reason: expect.stringContaining('gone') });
    expect(catalogStatus(config, ledger, T2).filter((status) => status.model.startsWith('vendor/') && (status.gone || status.priced)).map((status) => [status.model, status.gone, status.priced, status.synced_ms])).toEqual([
      ['vendor/alpha:free', false, true, T2],
      ['vendor/beta:free', true, false, T2],
    ]);
  });

  it('models list reads the stored catalog: free filter, provider filter, what the config knows', () => {
    const free = listModels(ledger, { config, free: true, provider: 'openrouter' });
    expect(free.map((row) => row.id)).toEqual(['other/new:free', 'other/old:free', 'vendor/gamma:free']);
    expect(free.find((row) => row.id === 'vendor/gamma:free')).toMatchObject({ configured: true, trains_on_data: false, input_per_million: 0 });
    expect(free.find((row) => row.id === 'other/new:free')).toMatchObject({ configured: false, trains_on_data: null });
    const all = listModels(ledger, { config });
    expect(all.filter((row) => row.provider === 'opencode-go').map((row) => [row.id, row.input_per_million])).toEqual([
      ['glm-5.1', null],
      ['kimi-k2.5', null],
    ]);
    expect(all.find((row) => row.id === 'vendor/paid')).toMatchObject({ free: false, input_per_million: 0.5, output_per_million: 3 });
  });

  it('naming a provider without a catalog, or an unknown one, is bad input', async () => {
    await expect(syncCatalog({ config, ledger, env, provider: 'zai', now_ms: T2 })).rejects.toThrow(BadInputError);
    await expect(syncCatalog({ config, ledger, env, provider: 'zai', now_ms: T2 })).rejects.toThrow(/has no model catalog/);
    await expect(syncCatalog({ config, ledger, env, provider: 'nope', now_ms: T2 })).rejects.toThrow(/no provider named 'nope'/);
  });

  it("follows OpenRouter's links.next on the same origin only, sending the key along", async () => {
    const seen: Array<{ url: string; auth: string | undefined }> = [];
    const pages: Record<string, unknown> = {
      '/api/v1/models': { data: [openRouterModel({ id: 'a/one:free' })], total_count: 3, links: { next: '/api/v1/models?offset=1&limit=1' } },
      '/api/v1/models?offset=1&limit=1': { data: [openRouterModel({ id: 'a/two:free' })], total_count: 3, links: { next: 'http://elsewhere.invalid/api/v1/models?offset=2' } },
    };
    const server = http.createServer((request, response) => {
      seen.push({ url: request.url ?? '', auth: request.headers.authorization });
      const body = pages[request.url ?? ''];
      response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body ?? { error: { code: 404, message: 'no page' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const file = path.join(folder, 'paged.yaml');
      fs.writeFileSync(file, `providers:\n  paged:\n    preset: openrouter\n    base_url: http://127.0.0.1:${(server.address() as net.AddressInfo).port}/api/v1\nroutes:\n  - use: [paged/*]\n`);
      const paged = loadConfig({ flag: file, env, cwd: folder });
      const [report] = await syncCatalog({ config: paged, ledger, env, now_ms: T2 });
      expect(report).toMatchObject({ provider: 'paged', ok: true, models: 2 });
      expect(seen).toEqual([
        { url: '/api/v1/models', auth: `Bearer ${env.OPENROUTER_API_KEY}` },
        { url: '/api/v1/models?offset=1&limit=1', auth: `Bearer ${env.OPENROUTER_API_KEY}` },
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
