// runDoctor against real loopback servers and a real ledger file: keys, endpoints (a refused
// connection is a problem), OpenRouter's /key with a negative balance, Z.AI's quota endpoint, the
// catalog never synced versus freshly synced, and the exit status for a healthy setup.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { openLedger, type Ledger } from '../src/ledger/index.js';
import { syncCatalog } from '../src/catalog/index.js';
import { doctorExitCode, formatFindings, runDoctor, type Finding } from '../src/doctor/index.js';
import { loadQuotaFixture, startFakeProvider, type FakeProvider } from './fake-provider/server.js';
import { openRouterKey, openRouterModel, startQuotaServer, zaiQuota, type QuotaServer } from './fake-provider/catalog-routes.js';

const NOW = Date.UTC(2026, 10, 27, 9, 0, 0);
const env = { OPENROUTER_API_KEY: 'sk-or-doctor-key', ZAI_API_KEY: 'zai-doctor-key' };

let openrouter: FakeProvider;
let quota: QuotaServer;
let folder: string;
let ledger: Ledger;
let deadPort: number;

function writeConfig(name: string, yaml: string) {
  const file = path.join(folder, `${name}.yaml`);
  fs.writeFileSync(file, `skills: ./skills\n${yaml}`);
  return loadConfig({ flag: file, env, cwd: folder });
}

beforeAll(async () => {
  openrouter = await startFakeProvider();
  quota = await startQuotaServer();
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  deadPort = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-doctor-net-'));
  ledger = openLedger(path.join(folder, 'state'));
  openrouter.setModels([openRouterModel({ id: 'openrouter/free' }), openRouterModel({ id: 'vendor/alpha:free' })]);
});

afterAll(async () => {
  ledger?.close();
  await openrouter?.close();
  await quota?.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

const about = (findings: Finding[], provider: string) => findings.filter((finding) => finding.provider === provider);

describe('runDoctor', () => {
  it('finds a negative balance, a used-up Z.AI quota, an unreachable endpoint, a missing key and an unsynced catalog', async () => {
    openrouter.setKey(openRouterKey({ is_free_tier: false, limit: 10, limit_remaining: -0.37 }));
    quota.setQuota(zaiQuota({ percentage: 100, nextResetTime: NOW + 3_600_000 }));
    const config = writeConfig('troubled', `providers:
  openrouter:
    preset: openrouter
    base_url: ${openrouter.url}/api/v1
    models: [ { id: vendor/alpha:free } ]
  zai:
    preset: zai-coding
    base_url: ${quota.url}/api/coding/paas/v4
  dead:
    preset: openrouter
    base_url: http://127.0.0.1:${deadPort}/api/v1
  opencode-go: { preset: opencode-go }
routes:
  - when: { effort: high }
    use: [zai/*]
  - use: [openrouter/*]
`);
    const findings = await runDoctor({ config, ledger, env, now_ms: NOW });

    const balance = about(findings, 'openrouter').find((finding) => finding.level === 'warn' && /\$-0\.37 left/.test(finding.text));
    expect(balance?.fix).toMatch(/credits/);
    expect(openrouter.requests.find((request) => request.path === '/api/v1/key')?.headers.authorization).toBe(`Bearer ${env.OPENROUTER_API_KEY}`);

    const zai = about(findings, 'zai');
    expect(zai.find((finding) => finding.text.startsWith('quota (plan lite): tokens per 5 hours: 100% used'))?.level).toBe('ok');
    expect(zai.find((finding) => finding.level === 'warn')?.text).toContain(`used up until ${new Date(NOW + 3_600_000).toISOString()}`);
    const quotaRequest = quota.requests.find((request) => request.path === '/api/monitor/usage/quota/limit');
    expect(quotaRequest?.headers.authorization).toBe(`Bearer ${env.ZAI_API_KEY}`);

    expect(about(findings, 'dead').find((finding) => finding.level === 'problem')?.text).toMatch(new RegExp(`cannot reach http://127\\.0\\.0\\.1:${deadPort}`));
    // opencode-go is in no route: its missing key is information, not a problem
    expect(about(findings, 'opencode-go').find((finding) => finding.level === 'info')).toMatchObject({ text: expect.stringContaining('OPENCODE_API_KEY is not set'), fix: 'export OPENCODE_API_KEY=… to use it (or remove the provider from your config)' });
    expect(about(findings, 'openrouter').find((finding) => /catalog never synced/.test(finding.text))).toMatchObject({ level: 'info', fix: 'portai models sync openrouter' });

    expect(doctorExitCode(findings)).toBe(1);
    const text = formatFindings(findings);
    expect(text).not.toContain(env.OPENROUTER_API_KEY);
    expect(text).not.toContain(env.ZAI_API_KEY);
  });

  it('a healthy setup with a fresh catalog has only ok findings and exit status 0', async () => {
    openrouter.setKey(openRouterKey({ limit: 10, limit_remaining: 9.5 }));
    const config = writeConfig('healthy', `providers:
  openrouter:
    preset: openrouter
    base_url: ${openrouter.url}/api/v1
    models: [ { id: openrouter/free }, { id: vendor/alpha:free } ]
routes:
  - use: [openrouter/*]
`);
    const reports = await syncCatalog({ config, ledger, env, now_ms: NOW - 3_600_000 });
    expect(reports.map((report) => report.ok)).toEqual([true]);
    const findings = await runDoctor({ config, ledger, env, now_ms: NOW });
    // the one line that is not ok: where calendar steps write until one is configured
    expect(findings.filter((finding) => finding.level !== 'ok')).toEqual([expect.objectContaining({ level: 'info', text: expect.stringMatching(/^calendar default: calendar steps write to .*calendar\.ics/) })]);
    expect(findings.map((finding) => finding.text)).toEqual(expect.arrayContaining(['key OPENROUTER_API_KEY is set', `endpoint ${openrouter.url} answers`, 'model catalog synced 2026-11-27']));
    expect(doctorExitCode(findings)).toBe(0);
  });

  it("reads Z.AI's credit rows (August 2026) and reports a row it does not know, over real HTTP", async () => {
    const credits = loadQuotaFixture('credit-limit-2026-08') as { data: { limits: unknown[] } };
    credits.data.limits.push({ type: 'MODEL_CAP_LIMIT', unit: 6, number: 1, percentage: 10 });
    quota.setQuota(credits);
    const config = writeConfig('credits', `providers:
  zai:
    preset: zai-coding
    base_url: ${quota.url}/api/coding/paas/v4
routes:
  - use: [zai/*]
`);
    const zai = about(await runDoctor({ config, ledger, env, now_ms: NOW }), 'zai');
    expect(zai.map((finding) => finding.text)).toEqual(expect.arrayContaining([
      expect.stringContaining('quota (plan pro): credits per 5 hours: 100% used (12000/12000)'),
      expect.stringContaining("the plan's credits per 5 hours are used up until"),
      expect.stringContaining('a row portai does not know: {"type":"MODEL_CAP_LIMIT"'),
    ]));
  });

  it('a catalog older than 7 days, and a routed model it says is gone, are warnings', async () => {
    const config = writeConfig('stale', `providers:
  openrouter:
    preset: openrouter
    base_url: ${openrouter.url}/api/v1
    models: [ { id: vendor/alpha:free }, { id: vendor/vanished:free } ]
routes:
  - use: [openrouter/*]
`);
    await syncCatalog({ config, ledger, env, now_ms: NOW - 9 * 86_400_000 });
    const warnings = (await runDoctor({ config, ledger, env, now_ms: NOW })).filter((finding) => finding.level === 'warn').map((finding) => finding.text);
    expect(warnings).toEqual(expect.arrayContaining([
      'model catalog last synced 9 days ago (2026-11-18)',
      'openrouter/vendor/vanished:free is gone from the catalog (sync of 2026-11-18): runs skip it',
    ]));
  });
});
