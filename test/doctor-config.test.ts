// Doctor findings that need no network: risky config, private skills routed only to training models,
// broken skills, what OpenRouter's /key and Z.AI's quota answers mean, and the exit status.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import type { Config } from '../src/types.js';
import { configFindings, describeKey, describeQuota, doctorExitCode, formatFindings, quotaUrlFor, skillFindings, privacyRouteFindings } from '../src/doctor/index.js';
import type { Finding } from '../src/doctor/index.js';
import { openRouterKey, zaiQuota } from './fake-provider/catalog-routes.js';
import { loadQuotaFixture as quotaFixture } from './fake-provider/fixtures.js';

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));

function configFrom(yaml: string, skills: Record<string, string> = {}): Config {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-doctor-'));
  folders.push(folder);
  fs.mkdirSync(path.join(folder, 'skills'));
  for (const [name, text] of Object.entries(skills)) fs.writeFileSync(path.join(folder, 'skills', `${name}.yaml`), text);
  const file = path.join(folder, 'portai.yaml');
  fs.writeFileSync(file, `skills: ./skills\n${yaml}`);
  return loadConfig({ flag: file, env: {}, cwd: folder });
}

const texts = (findings: Finding[], level?: Finding['level']) => findings.filter((finding) => !level || finding.level === level).map((finding) => finding.text);

describe('risky config', () => {
  it('a metered model in a route while the budget is 0 is a warning with a fix', () => {
    const config = configFrom(`budget: { usd_per_day: 0 }
providers:
  openai: { preset: openai }
  openrouter: { preset: openrouter }
routes:
  - when: { effort: high }
    use: [openai/gpt-5-mini]
  - use: [openrouter/*]
`);
    const findings = configFindings(config).filter((finding) => finding.provider === 'openai');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ level: 'warn', text: expect.stringMatching(/routes\[0\] lists metered model openai\/gpt-5-mini, but budget\.usd_per_day is 0/) });
    expect(findings[0].fix).toContain('budget.usd_per_day');
  });

  it('with a budget the same route is fine', () => {
    const config = configFrom(`budget: { usd_per_day: 2 }
providers:
  openai: { preset: openai }
routes:
  - use: [openai/gpt-5-mini]
`);
    expect(configFindings(config).filter((finding) => finding.level !== 'ok')).toEqual([]);
  });

  it('a free OpenRouter entry listing a model without :free is flagged; :free, openrouter/free and metered ones are not', () => {
    const config = configFrom(`providers:
  openrouter:
    preset: openrouter
    models:
      - id: openrouter/free
      - id: vendor/alpha:free
      - id: google/gemini-3-flash-preview
      - id: vendor/paid
        billing: metered
        price: { input: 1, output: 2 }
routes:
  - use: [openrouter/openrouter/free, openrouter/vendor/alpha:free]
`);
    const flagged = configFindings(config).filter((finding) => /not a ':free' model/.test(finding.text));
    expect(flagged.map((finding) => finding.text.split(' ')[0])).toEqual(['google/gemini-3-flash-preview']);
    expect(flagged[0].fix).toMatch(/billing: metered/);
  });

  it("OpenCode Go's use-balance caveat is shown as an advisory warning that does not fail doctor", () => {
    const config = configFrom(`providers:
  opencode-go: { preset: opencode-go }
routes:
  - use: [opencode-go/*]
`);
    const caveats = configFindings(config).filter((finding) => finding.advisory);
    expect(caveats).toHaveLength(1);
    expect(caveats[0]).toMatchObject({ level: 'warn', provider: 'opencode-go', text: expect.stringMatching(/use balance/i), fix: expect.stringMatching(/turn 'Use balance' off/) });
    expect(doctorExitCode(caveats)).toBe(0);
  });
});

describe('skills', () => {
  const privateSkill = `name: secret
outcome: Keep it private.
privacy: private
steps:
  - id: think
    effort: low
    prompt: Summarise my diary.
`;

  it('a private skill whose route reaches only training models is a problem', () => {
    const config = configFrom(`providers:
  openrouter:
    preset: openrouter
    models:
      - { id: nvidia/nemotron-3-super-120b-a12b:free, trains_on_data: true }
routes:
  - use: [openrouter/*]
`, { secret: privateSkill });
    const findings = skillFindings(config);
    const problem = findings.find((finding) => finding.text.includes('private skill secret'));
    expect(problem).toMatchObject({ level: 'problem', text: expect.stringMatching(/step think: every candidate of routes\[0\] is refused for private skills \(openrouter\/nvidia\/nemotron-3-super-120b-a12b:free trains on prompts\)/) });
    expect(problem?.fix).toMatch(/trains_on_data: false/);
  });

  it('a route all of whose candidates may train is a problem naming each model and the exact YAML for the config', () => {
    const config = configFrom(`defaults: { privacy: private }
providers:
  plan:
    preset: openai-compatible
    base_url: http://127.0.0.1:9/v1
    billing: subscription
    models: [{ id: glm-4.7 }, { id: glm-5.1 }]
  openrouter: { preset: openrouter }
routes:
  - when: { effort: high }
    use: [plan/*]
  - use: [openrouter/*]
`);
    const findings = privacyRouteFindings(config);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ level: 'problem', text: 'every high-effort candidate (routes[0]) is refused for private skills: plan/glm-4.7 trains_on_data is unknown, plan/glm-5.1 trains_on_data is unknown' });
    expect(findings[0].fix).toContain(`add to ${config.file}: providers: { plan: { models: [{ id: glm-4.7, trains_on_data: false }, { id: glm-5.1, trains_on_data: false }] } }`);
    expect(doctorExitCode(findings)).toBe(1);
  });

  it('a route where only some candidates may train is a warning; models that train by their terms are no surprise', () => {
    const config = configFrom(`providers:
  plan:
    preset: openai-compatible
    base_url: http://127.0.0.1:9/v1
    billing: subscription
    models: [{ id: glm-4.7 }, { id: clean, trains_on_data: false }]
  openrouter: { preset: openrouter }
routes:
  - when: { effort: high }
    use: [plan/glm-4.7, plan/clean, openrouter/*]
  - use: [openrouter/*]
`);
    const findings = privacyRouteFindings(config);
    expect(findings).toEqual([expect.objectContaining({ level: 'warn', text: 'private high-effort steps (routes[0]) skip plan/glm-4.7 trains_on_data is unknown, and go to the next candidate' })]);
    // no wildcard in the route: only the unknown model is listed, so plan/* is not narrowed
    expect(findings[0].fix).toContain('providers: { plan: { models: [{ id: glm-4.7, trains_on_data: false }] } }');
  });

  it('says nothing when no work is private', () => {
    const config = configFrom(`defaults: { privacy: public }
serve: { privacy: public }
providers:
  plan: { preset: openai-compatible, base_url: "http://127.0.0.1:9/v1", models: [{ id: glm-4.7 }] }
routes:
  - use: [plan/*]
`);
    expect(privacyRouteFindings(config)).toEqual([]);
  });

  it('the same skill is fine once the route also reaches a model of unknown training on OpenRouter', () => {
    const config = configFrom(`providers:
  openrouter:
    preset: openrouter
    models:
      - { id: nvidia/nemotron-3-super-120b-a12b:free, trains_on_data: true }
      - { id: openrouter/free }
routes:
  - use: [openrouter/*]
`, { secret: privateSkill });
    expect(texts(skillFindings(config), 'problem')).toEqual([]);
  });

  it('a skill that fails validation is a problem naming it, with the validate command as fix', () => {
    const config = configFrom(`providers:
  openrouter: { preset: openrouter }
routes:
  - use: [openrouter/*]
`, { broken: 'name: broken\noutcome: x\nsteps:\n  - id: a\n    effort: extreme\n    prompt: hi\n' });
    const problem = skillFindings(config).find((finding) => finding.text.startsWith('skill broken'));
    expect(problem?.level).toBe('problem');
    expect(problem?.fix).toMatch(/portai skills validate .*broken\.yaml/);
  });
});

describe("OpenRouter's GET /key", () => {
  const config = configFrom(`providers:
  openrouter: { preset: openrouter }
routes:
  - use: [openrouter/*]
`);
  const provider = config.providers.openrouter;

  it.each([[-0.42], [0]])('limit_remaining %s is a warning: it fails even free models', (remaining) => {
    const findings = describeKey(provider, openRouterKey({ limit: 5, limit_remaining: remaining }));
    const warning = findings.find((finding) => finding.level === 'warn');
    expect(warning?.text).toContain(`$${remaining} left`);
    expect(warning?.fix).toMatch(/openrouter\.ai\/settings\/credits/);
    expect(doctorExitCode(findings)).toBe(1);
  });

  it('a healthy key is one ok line with the free-request counts', () => {
    const findings = describeKey(provider, openRouterKey({ limit: 5, limit_remaining: 4.5, free_model_daily_requests: { used: 7, limit: 50, remaining: 43 } }));
    expect(findings).toEqual([{ level: 'ok', provider: 'openrouter', text: 'key: free tier: yes, limit $5, remaining $4.5, spent today $0, free requests today 7/50' }]);
    expect(doctorExitCode(findings)).toBe(0);
  });

  it('used-up free requests and spend on a free-only key are warnings', () => {
    const findings = describeKey(provider, openRouterKey({ usage_daily: 0.31, free_model_daily_requests: { used: 50, limit: 50, remaining: 0 } }));
    expect(texts(findings, 'warn')).toEqual([
      'the daily free-model requests are used up (50/50)',
      'OpenRouter reports $0.31 spent today on this key, though portai only uses it for free models',
    ]);
  });
});

describe("Z.AI's quota endpoint", () => {
  it('reports the 5-hour window and warns when it is used up', () => {
    const reset = Date.UTC(2026, 10, 27, 15, 0, 0);
    const findings = describeQuota('zai', zaiQuota({ percentage: 100, nextResetTime: reset, level: 'pro' }), '');
    expect(findings[0]).toMatchObject({ level: 'ok', text: expect.stringContaining('quota (plan pro): tokens per 5 hours: 100% used, resets 2026-11-27T15:00:00.000Z') });
    expect(findings[1]).toMatchObject({ level: 'warn', text: expect.stringContaining('used up until 2026-11-27T15:00:00.000Z') });
  });

  it('reads the older shape: tokens per 5 hours and per week, MCP tool calls per month (a full tool quota is no warning)', () => {
    const findings = describeQuota('zai', quotaFixture('tokens-limit-2026-02'), '');
    expect(findings[0].text).toBe(
      'quota (plan lite): MCP tool calls per month: 7% used (7/100), resets 2026-03-21T11:09:43.998Z; ' +
        'tokens per 5 hours: 30% used (12000000/40000000), resets 2026-02-26T10:00:00.000Z; tokens per week: 100% used, resets 2026-03-03T01:06:40.000Z',
    );
    expect(texts(findings, 'warn')).toEqual(["the plan's tokens per week are used up until 2026-03-03T01:06:40.000Z"]);
  });

  it('reads the credit shape of August 2026: credits used of the allowance per 5 hours and per week', () => {
    const findings = describeQuota('zai', quotaFixture('credit-limit-2026-08'), '');
    expect(findings[0].text).toBe(
      'quota (plan pro): credits per 5 hours: 100% used (12000/12000), resets 2026-09-18T18:57:34.621Z; credits per week: 25% used (15300/60000), resets 2026-09-25T07:40:46.980Z',
    );
    expect(findings.filter((finding) => finding.level === 'warn')).toEqual([
      { level: 'warn', provider: 'zai', text: "the plan's credits per 5 hours are used up until 2026-09-18T18:57:34.621Z", fix: expect.any(String) },
    ]);
    expect(doctorExitCode(findings)).toBe(1);
  });

  it('reports rows it does not know as advisory warnings, and never throws on mistyped fields', () => {
    const findings = describeQuota('zai', quotaFixture('unknown-rows'), '');
    expect(findings[0]).toMatchObject({ level: 'ok', text: 'quota (plan max): credits: ?% used' });
    const unknown = findings.filter((finding) => finding.advisory);
    expect(unknown.map((finding) => finding.text)).toEqual([
      expect.stringContaining('"type":"MODEL_CAP_LIMIT"'),
      'quota endpoint has a row portai does not know: null',
      'quota endpoint has a row portai does not know: 42',
      'quota endpoint has a row portai does not know: {"unit":3}',
    ]);
    expect(unknown.every((finding) => finding.level === 'warn' && finding.fix)).toBe(true);
    expect(doctorExitCode(findings)).toBe(0);
    // the list itself as data (one BigModel report) and garbage bodies
    expect(describeQuota('zai', { code: 200, data: [{ type: 'CREDIT_LIMIT', unit: 3, number: 5, percentage: 4 }] }, '')[0].text).toBe('quota: credits per 5 hours: 4% used');
    for (const body of [null, 'text', 7, [], { data: null }, { data: { limits: 'none' } }]) expect(() => describeQuota('zai', body, String(body))).not.toThrow();
  });

  it('tolerates shapes it does not know and reports refusals', () => {
    expect(describeQuota('zai', { something: 'else' }, '{"something":"else"}')).toEqual([{ level: 'ok', provider: 'zai', text: expect.stringContaining('{"something":"else"}') }]);
    expect(describeQuota('zai', { code: 1001, msg: 'token invalid', success: false }, '')[0]).toMatchObject({ level: 'warn', text: 'quota endpoint says: token invalid' });
  });

  it("follows the provider's base URL origin, so the key never goes elsewhere", () => {
    const official = configFrom(`providers:
  zai: { preset: zai-coding }
routes:
  - use: [zai/*]
`);
    expect(quotaUrlFor(official.providers.zai)).toBe('https://api.z.ai/api/monitor/usage/quota/limit');
    const moved = configFrom(`providers:
  zai: { preset: zai-coding, base_url: "http://127.0.0.1:4010/api/coding/paas/v4" }
routes:
  - use: [zai/*]
`);
    expect(quotaUrlFor(moved.providers.zai)).toBe('http://127.0.0.1:4010/api/monitor/usage/quota/limit');
  });
});

describe('formatFindings and doctorExitCode', () => {
  it('prints level, provider, text and the fix of each finding, then a summary', () => {
    const findings: Finding[] = [
      { level: 'ok', provider: 'openrouter', text: 'key OPENROUTER_API_KEY is set' },
      { level: 'problem', provider: 'zai', text: 'key ZAI_API_KEY is not set', fix: 'export ZAI_API_KEY=…' },
    ];
    expect(formatFindings(findings)).toBe('ok       openrouter: key OPENROUTER_API_KEY is set\nproblem  zai: key ZAI_API_KEY is not set\n         fix: export ZAI_API_KEY=…\n1 problem, 0 warnings\n');
    expect(doctorExitCode(findings)).toBe(1);
    expect(doctorExitCode(findings.slice(0, 1))).toBe(0);
    expect(doctorExitCode([{ level: 'warn', text: 'stale', fix: 'sync' }])).toBe(1);
  });
});
