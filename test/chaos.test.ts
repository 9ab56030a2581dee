// Chaos: many runs against a provider that fails at random (fixed seed). Whatever happens, no request reaches a
// metered model the route did not name, metered spend never passes the budget, and private steps never reach a
// model that trains on prompts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider, type Reply } from './fake-provider/server.js';
import { loadConfig } from '../src/config/index.js';
import { loadSkill } from '../src/skills/index.js';
import { openLedger, type Ledger, type SqliteDb } from '../src/ledger/index.js';
import { runSkill } from '../src/runner/run-skill.js';
import { silentProgress } from '../src/runner/progress.js';

const BUDGET = 0.005;
let provider: FakeProvider;
let dir: string;
let ledger: Ledger<SqliteDb>;

function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  provider = await startFakeProvider();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-chaos-'));
  fs.mkdirSync(path.join(dir, 'skills'));
  fs.writeFileSync(
    path.join(dir, 'portai.yaml'),
    `skills: ./skills
budget: { usd_per_day: ${BUDGET} }
providers:
  free:
    preset: openai-compatible
    base_url: ${provider.url}/v1
    api_key_env: CHAOS_KEY
    billing: free
    models:
      - { id: f-trains, trains_on_data: true }
      - { id: f-private-ok, trains_on_data: false }
  sub:
    preset: openai-compatible
    base_url: ${provider.url}/v1
    api_key_env: CHAOS_KEY
    billing: subscription
    models:
      - { id: s-plan, trains_on_data: false }
  metered:
    preset: openai-compatible
    base_url: ${provider.url}/v1
    api_key_env: CHAOS_KEY
    models:
      - { id: m-named, price: { input: 1, output: 2 }, max_output: 1000, trains_on_data: false }
      - { id: m-unnamed, price: { input: 0.1, output: 0.1 }, max_output: 1000, trains_on_data: false }
routes:
  - when: { effort: high }
    use: [metered/m-named, sub/s-plan, free/*]
  - use: [free/*, sub/s-plan]
`,
  );
  const skill = (name: string, privacy: string, effort: string) =>
    fs.writeFileSync(
      path.join(dir, 'skills', `${name}.yaml`),
      `name: ${name}\noutcome: An answer.\nprivacy: ${privacy}\ninputs:\n  n: { type: integer }\nsteps:\n  - id: one\n    effort: ${effort}\n    prompt: "${privacy} question {{n}}"\n  - id: two\n    effort: low\n    prompt: "${privacy} follow-up on {{steps.one}}"\n`,
    );
  skill('think-public', 'public', 'high');
  skill('chore-private', 'private', 'low');
  skill('think-private', 'private', 'high');
  ledger = openLedger(path.join(dir, 'state'));
});

afterAll(async () => {
  ledger.close();
  await provider.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('chaos', () => {
  it('over 60 runs of random faults, every guard holds', async () => {
    const random = mulberry32(20261127);
    const faults: Array<() => Reply> = [
      () => ({ text: 'fine' }),
      () => ({ text: 'fine' }),
      () => ({ status: 429, headers: { 'retry-after': '0' }, body: { error: { message: 'Rate limit exceeded', code: 429 } } }),
      () => ({ status: 429, body: { error: { message: 'Provider returned error', code: 429, metadata: { raw: 'busy', provider_name: 'Up' } } } }),
      () => ({ status: 503, body: { error: { message: 'overloaded', code: 503 } } }),
      () => ({ html: true }),
      () => ({ truncate: true }),
      () => ({ midStreamError: true }),
      () => ({ status: 404, body: { error: { message: 'No endpoints found for this model.', code: 404 } } }),
      () => ({ fixture: 'openrouter-402-credits' }),
    ];
    provider.reply((request) => {
      const reply = faults[Math.floor(random() * faults.length)]();
      // a metered answer costs what a long answer costs, so the budget fills up within the run
      return request.model === 'm-named' && reply.text ? { ...reply, usage: { input_tokens: 60, output_tokens: 990 } } : reply;
    });
    const config = loadConfig({ env: { HOME: dir, CHAOS_KEY: 'k' }, cwd: dir });
    const skills = ['think-public', 'chore-private', 'think-private'].map((name) => loadSkill(path.join(dir, 'skills', `${name}.yaml`)));
    const statuses = new Map<string, number>();
    for (let index = 0; index < 60; index++) {
      const skill = skills[index % skills.length];
      const result = await runSkill({ config, ledger, skill, given: { n: String(index) }, env: { CHAOS_KEY: 'k' }, progress: silentProgress, sleep: async () => {} });
      statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
      // blocks (gone models, 402s) would soon silence the provider; clear them so faults keep coming
      for (const name of ['free', 'sub', 'metered']) ledger.clearBlocks(name);
    }
    const requests = provider.requests.filter((request) => request.path.endsWith('/chat/completions'));
    const models = requests.map((request) => (request.body as { model: string }).model);
    // the faults really happened, and runs ended every way
    expect(requests.length).toBeGreaterThan(100);
    expect(statuses.get('ok')).toBeGreaterThan(5);
    expect(statuses.get('failed')).toBeGreaterThan(0);
    // never a metered model the route did not name
    expect(models).not.toContain('m-unnamed');
    // metered spend stayed inside the budget: each m-named request was reserved at its worst case first,
    // and what it really cost (at list price) is what the ledger counts
    const meteredRequests = models.filter((model) => model === 'm-named').length;
    expect(meteredRequests).toBeGreaterThan(0);
    const spent = ledger.db.sqlite.prepare("SELECT SUM(cost_usd) AS usd, COUNT(*) AS n FROM attempts WHERE provider = 'metered'").get() as { usd: number; n: number };
    expect(spent.n).toBe(meteredRequests);
    // the budget really was the limit: it was nearly used up, and later thinking steps were refused by the spend guard
    expect(spent.usd).toBeGreaterThan(BUDGET * 0.6);
    const refusals = ledger.db.sqlite.prepare("SELECT COUNT(*) AS n FROM plans WHERE plan_json LIKE '%\"guard\":\"spend\"%'").get() as { n: number };
    expect(refusals.n).toBeGreaterThan(0);
    expect(spent.usd).toBeLessThanOrEqual(BUDGET);
    expect(ledger.usage([{ name: 'metered', windows: [] }], Date.now()).metered_usd_today).toBeLessThanOrEqual(BUDGET);
    // private steps never reached the model that trains on prompts
    for (const request of requests) {
      const body = request.body as { model: string; messages: Array<{ content: string }> };
      if (body.model !== 'f-trains') continue;
      const text = body.messages.map((message) => message.content).join(' ');
      expect(text).not.toMatch(/private (question|follow-up)/);
    }
    // ...but public ones did, so the check above was not vacuous
    const trainsTexts = requests.filter((request) => (request.body as { model: string }).model === 'f-trains').map((request) => JSON.stringify(request.body));
    expect(trainsTexts.some((text) => /public (question|follow-up)/.test(text))).toBe(true);
  });
});
