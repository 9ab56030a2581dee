// `portai usage --reconcile` and doctor end to end: the real CLI as a child process, a real ledger file, and the
// loopback fake serving OpenRouter's GET /key (OpenAPI-shaped), Z.AI's quota endpoint in both its shapes and an
// OpenCode Go limit message. portai raises a window to the provider's count, never lowers it, and the guards see it.
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from './helpers/fake-provider-fixture.js';
import { createWorkspace, HELLO_SKILL, type Workspace } from './helpers/workspace.js';
import { loadQuotaFixture } from './fake-provider/server.js';
import { openRouterKey, zaiCreditQuota } from './fake-provider/catalog-routes.js';

const provider = useFakeProvider();
const env = { OPENROUTER_API_KEY: 'sk-or-v1-reconcile-0f1e2d3c4b5a69788796a5b4c3d2', ZAI_API_KEY: 'zai-reconcile-key-0123456789', OPENCODE_API_KEY: 'sk-opencode-reconcile-0123456789' };
let workspace: Workspace;
afterEach(() => workspace?.cleanup());

const config = (zaiPlan = 'pro') => `skills: ./skills
providers:
  openrouter:
    preset: openrouter
    base_url: ${provider.url}/api/v1
    models: [ { id: vendor/a:free } ]
  zai:
    preset: zai-coding
    plan: ${zaiPlan}
    base_url: ${provider.url}/api/coding/paas/v4
routes:
  - use: [openrouter/*]
`;

interface Line {
  window: string;
  unit: string;
  portai: number;
  provider: number;
  limit: number | null;
  raised_by: number;
  resets_utc: string | null;
}
type Reconciled = { providers: Array<{ provider: string; lines: Line[]; notes: string[]; error?: string }> };

async function reconcileJson(): Promise<Reconciled> {
  const result = await workspace.run(['usage', '--reconcile', '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Reconciled;
}
const linesOf = (report: Reconciled, name: string) => report.providers.find((entry) => entry.provider === name)?.lines ?? [];
async function limitsOf(name: string): Promise<Array<{ window: string; unit: string; limit: number; used: number; remaining: number }>> {
  const usage = JSON.parse((await workspace.run(['usage', '--json'])).stdout);
  return usage.providers.find((entry: { provider: string }) => entry.provider === name).limits;
}

describe('usage --reconcile', () => {
  it('raises the day and the credit windows to what the providers count, then never lowers them', async () => {
    workspace = createWorkspace(config(), { greet: HELLO_SKILL }, env);
    const now = Date.now();
    provider.setKey(openRouterKey({ free_model_daily_requests: { used: 7, limit: 50, remaining: 43 } }));
    provider.setQuota(
      zaiCreditQuota({
        level: 'pro',
        used5h: 1500,
        limit5h: 12000,
        reset5h: now + 2 * 3_600_000,
        usedWeek: 1400,
        limitWeek: 60000,
        resetWeek: now + 3 * 86_400_000,
        extraRows: [{ type: 'MODEL_CAP_LIMIT', model: 'glm-5.1', unit: 6, number: 1, percentage: 40 }],
      }),
    );
    const first = await reconcileJson();
    expect(linesOf(first, 'openrouter')).toContainEqual(expect.objectContaining({ window: 'day (UTC)', unit: 'requests', portai: 0, provider: 7, limit: 50, raised_by: 7 }));
    const zai = linesOf(first, 'zai');
    expect(zai[0]).toMatchObject({ window: '5 h', unit: 'credits', portai: 0, provider: 1500, limit: 12000, raised_by: 1500, resets_utc: new Date(now + 2 * 3_600_000).toISOString() });
    // the 5-hour raise is inside the week too: the week already counts 1500, more than Z.AI's 1400, so it stays
    expect(zai[1]).toMatchObject({ window: '168 h', unit: 'credits', portai: 1500, provider: 1400, raised_by: 0 });
    expect(first.providers.find((entry) => entry.provider === 'zai')?.notes.join('\n')).toContain('MODEL_CAP_LIMIT');
    // the requests went to each provider's own origin, with its own key
    const keyRequest = provider.requests.find((request) => request.path === '/api/v1/key');
    expect(keyRequest?.headers.authorization).toBe(`Bearer ${env.OPENROUTER_API_KEY}`);
    const quotaRequest = provider.requests.find((request) => request.path === '/api/monitor/usage/quota/limit');
    expect(quotaRequest?.headers.authorization).toBe(`Bearer ${env.ZAI_API_KEY}`);

    expect(await limitsOf('openrouter')).toContainEqual({ window: 'day (UTC)', unit: 'requests', limit: 50, used: 7, remaining: 43 });
    expect(await limitsOf('zai')).toContainEqual({ window: '5 h', unit: 'credits', limit: 12000, used: 1500, remaining: 10500 });

    // a second reconcile finds nothing to add
    const again = await reconcileJson();
    expect([...linesOf(again, 'openrouter'), ...linesOf(again, 'zai')].map((line) => line.raised_by)).toEqual([0, 0, 0, 0]);

    // the provider now counts less (its day was reset, or it lags): portai keeps its own, higher count
    provider.setKey(openRouterKey({ free_model_daily_requests: { used: 3, limit: 50, remaining: 47 } }));
    const lower = await workspace.run(['usage', '--reconcile']);
    expect(lower.code).toBe(0);
    expect(lower.stdout).toMatch(/day \(UTC\): portai 7 · provider 3 of 50 → portai counts more: kept/);
    expect(await limitsOf('openrouter')).toContainEqual({ window: 'day (UTC)', unit: 'requests', limit: 50, used: 7, remaining: 43 });
  });

  it('a day the provider says is full blocks the next run before anything is sent', async () => {
    workspace = createWorkspace(config(), { greet: HELLO_SKILL }, env);
    provider.setKey(openRouterKey({ free_model_daily_requests: { used: 50, limit: 50, remaining: 0 } }));
    provider.setQuota(zaiCreditQuota());
    expect(linesOf(await reconcileJson(), 'openrouter')[0]).toMatchObject({ raised_by: 50 });
    const run = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ann']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('50/50 requests today');
    expect(provider.requests.filter((request) => request.path.endsWith('/chat/completions'))).toEqual([]);
  });

  it("reads a prompt plan's token rows as a share of its request window, and reports rows it does not know", async () => {
    workspace = createWorkspace(config('legacy-lite'), { greet: HELLO_SKILL }, env);
    provider.setKey(openRouterKey());
    provider.setQuota(loadQuotaFixture('tokens-limit-2026-02'));
    const report = await reconcileJson();
    // TOKENS_LIMIT per 5 hours at 30% of a 120-prompt window
    expect(linesOf(report, 'zai')).toEqual([expect.objectContaining({ window: '5 h', unit: 'requests', portai: 0, provider: 36, limit: 120, raised_by: 36 })]);
    expect(report.providers.find((entry) => entry.provider === 'zai')?.notes.join('\n')).toMatch(/tokens per week, which no window of this provider entry matches/);

    provider.setQuota(loadQuotaFixture('unknown-rows'));
    const unknown = await reconcileJson();
    const notes = unknown.providers.find((entry) => entry.provider === 'zai')?.notes.join('\n') ?? '';
    expect(notes).toContain('MODEL_CAP_LIMIT');
    expect(notes).toContain('null');
    expect(notes).toMatch(/Z\.AI says the plan is max; portai counts the limits of plan legacy-lite/);
  });

  it("OpenCode Go's weekly limit message marks its week full until the reset it names", async () => {
    workspace = createWorkspace(
      `skills: ./skills
providers:
  go:
    preset: opencode-go
    base_url: ${provider.url}/zen/go/v1
routes:
  - use: [go/kimi-k2.6]
`,
      { greet: HELLO_SKILL },
      env,
    );
    provider.enqueue({ fixture: 'opencode-go-429-weekly' });
    const started = Date.now();
    const run = await workspace.run(['run', 'skill', 'greet', '-i', 'name=Ann']);
    expect(run.code).not.toBe(0);
    const report = await reconcileJson();
    const [week] = linesOf(report, 'go');
    expect(week).toMatchObject({ window: '168 h', unit: 'usd', provider: 30, limit: 30 });
    expect(week.raised_by).toBeGreaterThan(29);
    // "It will reset in 5 days 10 hours"
    const reset = Date.parse(week.resets_utc as string);
    expect(reset).toBeGreaterThanOrEqual(started + (5 * 24 + 10) * 3_600_000 - 1000);
    expect(reset).toBeLessThanOrEqual(Date.now() + (5 * 24 + 10) * 3_600_000 + 1000);
    expect((await limitsOf('go')).find((line) => line.window === '168 h')).toMatchObject({ used: 30, remaining: 0 });
  });

  it('doctor shows portai\'s count beside the provider\'s and writes nothing', async () => {
    workspace = createWorkspace(config(), { greet: HELLO_SKILL }, env);
    provider.setModels([]);
    provider.setKey(openRouterKey({ free_model_daily_requests: { used: 4, limit: 50, remaining: 46 } }));
    provider.setQuota(zaiCreditQuota({ level: 'pro', used5h: 10, limit5h: 12000 }));
    const doctor = await workspace.run(['doctor']);
    expect(doctor.stdout).toContain('day (UTC): portai counts 0 requests, the provider 4 requests of 50 requests');
    expect(doctor.stdout).toContain('run `portai usage --reconcile`');
    expect(doctor.stdout).toContain('5 h: portai counts 0 credits, the provider 10 credits of 12000 credits');
    expect(await limitsOf('openrouter')).toContainEqual({ window: 'day (UTC)', unit: 'requests', limit: 50, used: 0, remaining: 50 });
  });

  it('a plan the preset does not have is bad input naming the field and the tiers', async () => {
    workspace = createWorkspace(config('ultra'), {}, env);
    const result = await workspace.run(['usage']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown plan 'ultra' for preset zai-coding");
    expect(result.stderr).toContain('providers.zai.plan');
    expect(result.stderr).toContain('lite, pro, max, legacy-lite, legacy-pro, legacy-max');
  });
});
