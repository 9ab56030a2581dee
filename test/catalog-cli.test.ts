// End to end: the built CLI in a child process, with a temp PORTAI_HOME and a config pointing at the
// fake provider: `models sync`, `models list` and `doctor`, their JSON and their exit codes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, runCli, tempHome } from './helpers/cli.js';
import { startFakeProvider, type FakeProvider } from './fake-provider/server.js';
import { openRouterKey, openRouterModel } from './fake-provider/catalog-routes.js';

const KEY = 'sk-or-cli-secret';
let provider: FakeProvider;
let home: string;
let env: Record<string, string>;

beforeAll(async () => {
  provider = await startFakeProvider();
  home = tempHome('portai-catalog-cli-');
  const config = path.join(home, 'portai.yaml');
  fs.mkdirSync(path.join(home, 'skills'));
  fs.writeFileSync(config, `skills: ./skills
providers:
  openrouter:
    preset: openrouter
    base_url: ${provider.url}/api/v1
    models: [ { id: openrouter/free }, { id: vendor/alpha:free } ]
routes:
  - use: [openrouter/*]
`);
  env = baseEnv(home, { OPENROUTER_API_KEY: KEY, PORTAI_CONFIG: config });
  provider.setModels([openRouterModel({ id: 'openrouter/free' }), openRouterModel({ id: 'vendor/alpha:free' }), openRouterModel({ id: 'vendor/paid', prompt: '0.000001', completion: '0.000002' })]);
  provider.setKey(openRouterKey({ limit: 5, limit_remaining: 4 }));
});

afterAll(async () => {
  await provider?.close();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

describe('portai models and doctor (built CLI)', () => {
  it('models sync --json stores the catalog in PORTAI_HOME and prints one report per provider', async () => {
    const result = await runCli(['models', 'sync', '--json'], { cwd: home, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const reports = JSON.parse(result.stdout);
    expect(reports).toEqual([expect.objectContaining({ provider: 'openrouter', ok: true, models: 3, previous_sync_utc: null })]);
    expect(fs.existsSync(path.join(home, 'state', 'ledger.db'))).toBe(true);
  });

  it('doctor on the healthy setup exits 0', async () => {
    const result = await runCli(['doctor'], { cwd: home, env });
    expect(result.stdout).toMatch(/^ok +openrouter: key OPENROUTER_API_KEY is set$/m);
    expect(result.stdout).toMatch(/all good\n$/);
    expect(result.code).toBe(0);
  });

  it('a second sync reports the configured free model that turned paid; models list shows the stored prices', async () => {
    provider.setModels([openRouterModel({ id: 'openrouter/free' }), openRouterModel({ id: 'vendor/alpha:free', prompt: '0.0000002', completion: '0.0000008' }), openRouterModel({ id: 'vendor/fresh:free' })]);
    const sync = await runCli(['models', 'sync', 'openrouter'], { cwd: home, env });
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/priced\s+vendor\/alpha:free — configured free, now \$0\.2 in \/ \$0\.8 out per million/);
    expect(sync.stdout).toMatch(/new free\s+vendor\/fresh:free/);

    const list = await runCli(['models', 'list', '--free', '--json'], { cwd: home, env });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((row: { id: string }) => row.id)).toEqual(['openrouter/free', 'vendor/fresh:free']);
  });

  it('doctor --json then warns about the re-priced routed model and a negative balance, and exits 1', async () => {
    provider.setKey(openRouterKey({ limit: 5, limit_remaining: -1.5 }));
    const result = await runCli(['doctor', '--json'], { cwd: home, env });
    expect(result.code).toBe(1);
    const warnings = JSON.parse(result.stdout).filter((finding: { level: string }) => finding.level === 'warn').map((finding: { text: string }) => finding.text);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringContaining('openrouter/vendor/alpha:free is no longer free'), expect.stringContaining('$-1.5 left')]));
    expect(result.stdout + result.stderr).not.toContain(KEY);
  });

  it('models sync of an unknown provider is bad input (exit 2) with a fix', async () => {
    const result = await runCli(['models', 'sync', 'nope'], { cwd: home, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no provider named 'nope'");
    expect(result.stderr).toContain('fix: use one of: openrouter');
  });
});
