// Guards end to end: real CLI processes, a real ledger file, the loopback provider speaking OpenRouter's wire.
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, HELLO_SKILL, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-e2e-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const provider = useFakeProvider();
let workspace: Workspace;

afterEach(() => {
  workspace?.cleanup();
});

const chatRequests = () => provider.requests.filter((request) => request.path.endsWith('/chat/completions'));

function openrouterConfig(limits = '', extraProviders = '', routes = '  - use: [openrouter/*]\n'): string {
  return `skills: ./skills
budget: { usd_per_day: 0 }
providers:
  openrouter:
    preset: openrouter
    base_url: ${provider.url}/api/v1
${limits}    models:
      - id: meta-llama/llama-free:free
      - id: qwen/qwen-free:free
${extraProviders}routes:
${routes}`;
}

describe('quota guard across processes', () => {
  it('eight concurrent CLI processes never exceed a daily limit of 5', async () => {
    workspace = createWorkspace(openrouterConfig('    limits: { requests_per_day: 5, requests_per_minute: 100 }\n'), { greet: HELLO_SKILL }, { OPENROUTER_API_KEY: KEY });
    provider.reply(() => ({ text: 'hello', delay_ms: 150 }));
    const results = await Promise.all(Array.from({ length: 8 }, (_, index) => workspace.run(['run', 'skill', 'greet', '-i', `name=p${index}`])));
    const codes = results.map((result) => result.code).sort();
    expect(chatRequests()).toHaveLength(5);
    expect(codes).toEqual([0, 0, 0, 0, 0, 3, 3, 3]);
    const blocked = results.find((result) => result.code === 3);
    expect(blocked?.stderr).toContain('5/5 requests today');
    const usage = JSON.parse((await workspace.run(['usage', '--json'])).stdout);
    const openrouter = usage.providers.find((entry: { provider: string }) => entry.provider === 'openrouter');
    expect(openrouter.limits).toContainEqual({ window: 'day (UTC)', unit: 'requests', limit: 5, used: 5, remaining: 0 });
  });
});

describe('OpenRouter free requests', () => {
  it('carry max_price 0 as strings, data_collection deny for private skills, and never a models list', async () => {
    workspace = createWorkspace(openrouterConfig(), { greet: HELLO_SKILL.replace('privacy: public', 'privacy: private') }, { OPENROUTER_API_KEY: KEY });
    provider.enqueue({ text: 'hi' });
    const result = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ann']);
    expect(result.code).toBe(0);
    const body = chatRequests()[0].body as Record<string, unknown>;
    expect(body.provider).toEqual({ max_price: { prompt: '0', completion: '0' }, data_collection: 'deny' });
    expect(body).not.toHaveProperty('models');
  });

  it('the daily free cap blocks every free model until the reset, and the next run sends nothing (exit 3)', async () => {
    workspace = createWorkspace(openrouterConfig(), { greet: HELLO_SKILL }, { OPENROUTER_API_KEY: KEY });
    provider.enqueue({ fixture: 'openrouter-429-free-per-day' });
    const first = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Bea']);
    expect(first.code).toBe(1);
    // one request only: switching free model does not help with the account-wide cap
    expect(chatRequests()).toHaveLength(1);
    const second = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Bea']);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/health/);
    expect(chatRequests()).toHaveLength(1);
    const providers = await workspace.run(['providers', 'list', '--json']);
    const blocks = JSON.parse(providers.stdout)[0].blocks;
    expect(blocks[0]).toMatchObject({ scope: 'free_pool' });
  });

  it('a cost reported on a free model is a loud warning, the output is still returned, and the provider is blocked until unblocked', async () => {
    workspace = createWorkspace(openrouterConfig(), { greet: HELLO_SKILL }, { OPENROUTER_API_KEY: KEY });
    provider.enqueue({ text: 'billed hello', cost: 0.0042 });
    const billed = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Cat']);
    expect(billed.code).toBe(0);
    expect(billed.stdout).toBe('billed hello\n');
    expect(billed.stderr).toMatch(/warning:.*cost of \$0\.0042/);
    expect(billed.stderr).toContain('portai providers unblock openrouter');
    const blocked = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Cat']);
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toContain('cost_alarm');
    expect(chatRequests()).toHaveLength(1);
    const unblock = await workspace.run(['providers', 'unblock', 'openrouter']);
    expect(unblock.code).toBe(0);
    provider.enqueue({ text: 'free again' });
    const again = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Cat']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('free again\n');
  });
});

describe('explain', () => {
  it('the plan printed by --dry-run is the plan that runs', async () => {
    const extra = `  paid:
    preset: openai-compatible
    base_url: ${provider.url}/v1
    api_key_env: OPENROUTER_API_KEY
    models:
      - { id: pricey, price: { input: 3, output: 15 }, max_output: 4000 }
`;
    workspace = createWorkspace(openrouterConfig('', extra, '  - use: [paid/pricey, openrouter/*]\n'), { greet: HELLO_SKILL }, { OPENROUTER_API_KEY: KEY });
    const dry = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Dan', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const planned = JSON.parse(dry.stdout).plans[0];
    provider.enqueue({ text: 'hi Dan' });
    const real = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Dan', '--json']);
    const runId = JSON.parse(real.stdout).run_id;
    const shown = JSON.parse((await workspace.run(['runs', 'show', runId, '--json'])).stdout);
    const ran = shown.plans[0].plan;
    const refs = (plan: { candidates: Array<{ ref: string }>; rejected: Array<{ ref: string; guard: string }> }) => ({
      candidates: plan.candidates.map((candidate) => candidate.ref),
      rejected: plan.rejected.map((rejection) => `${rejection.ref}:${rejection.guard}`),
    });
    expect(refs(ran)).toEqual(refs(planned));
    expect(refs(planned)).toEqual({ candidates: ['openrouter/meta-llama/llama-free:free', 'openrouter/qwen/qwen-free:free'], rejected: ['paid/pricey:spend'] });
    expect((chatRequests()[0].body as { model: string }).model).toBe('meta-llama/llama-free:free');
    const human = await workspace.run(['runs', 'show', runId]);
    expect(human.stdout).toMatch(/paid\/pricey.*spend/);
  });
});
