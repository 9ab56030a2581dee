// A gone model is learned once: its 404 blocks it until the next catalog sync, and a stale or silent catalog is
// synced (one GET of the free /models list) before the next candidate is tried.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from './fake-provider/server.js';
import { openRouterModel } from './fake-provider/catalog-routes.js';
import { loadConfig } from '../src/config/index.js';
import { loadSkill } from '../src/skills/index.js';
import { openLedger, type Ledger } from '../src/ledger/index.js';
import { runSkill } from '../src/runner/run-skill.js';
import { syncCatalog } from '../src/catalog/index.js';
import { silentProgress } from '../src/runner/progress.js';
import type { Config, Skill } from '../src/types.js';

const env = { OPENROUTER_API_KEY: 'sk-or-gone-test' };
const NOON = Date.parse('2026-11-26T12:00:00Z');
const DAY = 86_400_000;

let provider: FakeProvider;
let dir: string;
let ledger: Ledger;
let config: Config;
let skill: Skill;

beforeEach(async () => {
  provider = await startFakeProvider();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-gone-'));
  fs.mkdirSync(path.join(dir, 'skills'));
  fs.writeFileSync(
    path.join(dir, 'portai.yaml'),
    `skills: ./skills
providers:
  openrouter:
    preset: openrouter
    base_url: ${provider.url}/api/v1
    models: [ { id: vendor/gone:free }, { id: vendor/ok:free } ]
routes:
  - use: [openrouter/*]
    order: fixed
`,
  );
  fs.writeFileSync(path.join(dir, 'skills', 'chore.yaml'), 'name: chore\noutcome: x\nprivacy: public\ninputs:\n  n: { type: integer }\nsteps:\n  - id: answer\n    prompt: "Item {{n}}"\n');
  config = loadConfig({ env: { HOME: dir, ...env }, cwd: dir });
  skill = loadSkill(path.join(dir, 'skills', 'chore.yaml'));
  ledger = openLedger(path.join(dir, 'state'));
  provider.reply((request) => (request.model === 'vendor/gone:free' ? { fixture: 'openrouter-404-no-endpoints' } : { text: 'done' }));
});
afterEach(async () => {
  ledger.close();
  await provider.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const chatTo = (model: string) => provider.requests.filter((request) => request.path.endsWith('/chat/completions') && (request.body as { model: string }).model === model).length;
const catalogGets = () => provider.requests.filter((request) => request.method === 'GET' && request.path.endsWith('/models')).length;

async function runs(count: number, now: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const result = await runSkill({ config, ledger, skill, given: { n: String(index) }, env, progress: silentProgress, clock: () => now, sleep: async () => {} });
    expect(result.status).toBe('ok');
  }
}

describe('a gone model', () => {
  it('the 404 syncs a never-synced catalog once; the catalog then rules the model out without a request', async () => {
    provider.setModels([openRouterModel({ id: 'vendor/ok:free' })]);
    await runs(5, NOON);
    expect(chatTo('vendor/gone:free')).toBe(1);
    expect(chatTo('vendor/ok:free')).toBe(5);
    expect(catalogGets()).toBe(1);
  });

  it('still listed by the catalog: one request per sync period, and no sync while the catalog is fresh', async () => {
    provider.setModels([openRouterModel({ id: 'vendor/gone:free' }), openRouterModel({ id: 'vendor/ok:free' })]);
    await runs(4, NOON);
    expect(chatTo('vendor/gone:free')).toBe(1);
    expect(catalogGets()).toBe(1);
    // later that day the block still holds (not a fixed 24 h, not lifted by time)
    await runs(2, NOON + 20 * 3_600_000);
    expect(chatTo('vendor/gone:free')).toBe(1);
    // a sync is the next period: one more request, which learns it again without another sync (the catalog is fresh)
    await syncCatalog({ config, ledger, env, now_ms: NOON + DAY });
    await runs(3, NOON + DAY + 1000);
    expect(chatTo('vendor/gone:free')).toBe(2);
    expect(catalogGets()).toBe(2);
    expect(chatTo('vendor/ok:free')).toBe(9);
  });

  it('a stale catalog (over a day old) is synced before the next candidate', async () => {
    provider.setModels([openRouterModel({ id: 'vendor/gone:free' }), openRouterModel({ id: 'vendor/ok:free' })]);
    await syncCatalog({ config, ledger, env, now_ms: NOON - 2 * DAY });
    provider.setModels([openRouterModel({ id: 'vendor/ok:free' })]);
    await runs(3, NOON);
    expect(chatTo('vendor/gone:free')).toBe(1);
    expect(catalogGets()).toBe(2);
    expect(ledger.catalogOf('openrouter').map((row) => row.id)).toEqual(['vendor/ok:free']);
  });
});
