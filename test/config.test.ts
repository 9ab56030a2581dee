// Loading portai.yaml: where it is found, how it merges over presets, the built-in default, the
// starter file, and the one/two-line errors for bad input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../src/errors.js';
import { apiKeyOf, defaultConfigYaml, findConfigFile, loadConfig, packageRoot } from '../src/config/index.js';
import { expandRefs } from '../src/router/index.js';

const temporaryDirs: string[] = [];
afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh working folder and a fresh $HOME, so nothing from the developer's machine leaks in. */
function sandbox(): { cwd: string; home: string; env: NodeJS.ProcessEnv } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-config-'));
  temporaryDirs.push(root);
  const cwd = path.join(root, 'work');
  const home = path.join(root, 'home');
  fs.mkdirSync(cwd);
  fs.mkdirSync(home);
  return { cwd, home, env: { HOME: home } };
}

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function errorOf(action: () => unknown): BadInputError {
  try {
    action();
  } catch (error) {
    if (error instanceof BadInputError) return error;
    throw error;
  }
  throw new Error('expected a BadInputError');
}

/** 1-based line and column of the first occurrence of `needle`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((candidate) => candidate.includes(needle));
  if (line < 0) throw new Error(`${needle} not in text`);
  return { line: line + 1, column: lines[line].indexOf(needle) + 1 };
}

describe('findConfigFile', () => {
  it('prefers --config, then $PORTAI_CONFIG, then ./portai.yaml, then ~/.config/portai/config.yaml', () => {
    const { cwd, home, env } = sandbox();
    expect(findConfigFile({ env, cwd })).toBeNull();
    const user = write(path.join(home, '.config', 'portai', 'config.yaml'), '{}\n');
    expect(findConfigFile({ env, cwd })).toBe(user);
    const local = write(path.join(cwd, 'portai.yaml'), '{}\n');
    expect(findConfigFile({ env, cwd })).toBe(local);
    const fromEnv = write(path.join(cwd, 'env.yaml'), '{}\n');
    expect(findConfigFile({ env: { ...env, PORTAI_CONFIG: 'env.yaml' }, cwd })).toBe(fromEnv);
    const flagged = write(path.join(cwd, 'flag.yaml'), '{}\n');
    expect(findConfigFile({ flag: 'flag.yaml', env: { ...env, PORTAI_CONFIG: 'env.yaml' }, cwd })).toBe(flagged);
  });

  it('refuses a --config or $PORTAI_CONFIG that does not exist instead of falling back', () => {
    const { cwd, env } = sandbox();
    write(path.join(cwd, 'portai.yaml'), '{}\n');
    const fromFlag = errorOf(() => findConfigFile({ flag: 'missing.yaml', env, cwd }));
    expect(fromFlag.message).toContain(path.join(cwd, 'missing.yaml'));
    expect(fromFlag.message).toContain('--config');
    const fromEnv = errorOf(() => findConfigFile({ env: { ...env, PORTAI_CONFIG: '/nowhere/portai.yaml' }, cwd }));
    expect(fromEnv.message).toContain('$PORTAI_CONFIG');
    expect(fromEnv.exitCode).toBe(2);
  });
});

describe('loadConfig: merging providers over presets', () => {
  const yaml = `skills: [./my-skills, ~/shared-skills]
timezone: Europe/London
budget: { usd_per_day: 0.5 }
providers:
  router:
    preset: openrouter
    base_url: http://127.0.0.1:9999/api/v1
    api_key_env: MY_ROUTER_KEY
    headers: { X-Title: portai-test }
    limits: { requests_per_day: 1000 }
    models:
      - id: nvidia/nemotron-3-super-120b-a12b:free
        context: 1000
      - id: google/gemini-3-flash-preview
        billing: metered
        price: { input: 0.5, output: 3 }
  plan:
    preset: zai-coding
routes:
  - when: { effort: high }
    use: [plan/glm-4.7, router/google/gemini-3-flash-preview]
  - use: [router/*, router/openrouter/free]
`;

  it('lets config facts win, adds config-only models, and keeps preset facts it does not mention', () => {
    const { cwd, env } = sandbox();
    const file = write(path.join(cwd, 'portai.yaml'), yaml);
    const config = loadConfig({ env, cwd });
    expect(config.file).toBe(file);
    const router = config.providers.router;
    expect(router.preset).toBe('openrouter');
    expect(router.base_urls['openai-chat']).toBe('http://127.0.0.1:9999/api/v1');
    expect(router.api_key_env).toBe('MY_ROUTER_KEY');
    expect(router.headers).toEqual({ 'X-Title': 'portai-test' });
    expect(router.limits).toEqual({ requests_per_minute: 20, requests_per_day: 1000 });
    const nemotron = router.models.find((model) => model.id === 'nvidia/nemotron-3-super-120b-a12b:free');
    expect(nemotron).toMatchObject({ context: 1000, trains_on_data: true, billing: 'free', wire: 'openai-chat' });
    const gemini = router.models.find((model) => model.id === 'google/gemini-3-flash-preview');
    expect(gemini).toMatchObject({ billing: 'metered', price: { input: 0.5, output: 3 } });
    // preset models stay known (routes may name them) but `router/*` is only what the config listed
    expect(router.models.some((model) => model.id === 'openrouter/free')).toBe(true);
    expect(router.wildcard).toEqual(['nvidia/nemotron-3-super-120b-a12b:free', 'google/gemini-3-flash-preview']);
    expect(router.errors.length).toBeGreaterThan(0);
  });

  it("takes the preset's models, billing and key when the config lists nothing", () => {
    const { cwd, env } = sandbox();
    write(path.join(cwd, 'portai.yaml'), yaml);
    const plan = loadConfig({ env, cwd }).providers.plan;
    expect(plan.wildcard).toEqual(['glm-5.1', 'glm-5-turbo', 'glm-4.7', 'glm-4.5-air']);
    expect(plan.models.every((model) => model.billing === 'subscription')).toBe(true);
    expect(plan.api_key_env).toBe('ZAI_API_KEY');
    expect(plan.quota_url).toBe('https://api.z.ai/api/monitor/usage/quota/limit');
  });

  it('accepts a route pattern on a provider with a catalog (it may match nothing until a sync), and defaults.evals.reserve', () => {
    const { cwd, env } = sandbox();
    write(path.join(cwd, 'portai.yaml'), 'defaults: { evals: { reserve: 0.3 } }\nproviders:\n  openrouter: { preset: openrouter }\nroutes:\n  - use: [openrouter/*:free, openrouter/qwen/*]\n');
    const config = loadConfig({ env, cwd });
    expect(config.defaults.evals).toEqual({ reserve: 0.3 });
    // before any sync, the pattern reaches the preset's listed models whose id matches
    expect(expandRefs(config.routes[0].use, config).map((entry) => entry.ref)).toEqual(['openrouter/nvidia/nemotron-3-super-120b-a12b:free', 'openrouter/nvidia/nemotron-3-nano-30b-a3b:free', 'openrouter/openai/gpt-oss-120b:free', 'openrouter/openai/gpt-oss-20b:free']);
    write(path.join(cwd, 'portai.yaml'), 'defaults: { evals: { reserve: 2 } }\n');
    expect(errorOf(() => loadConfig({ env, cwd })).userLines()[0]).toMatch(/defaults\.evals\.reserve/);
  });

  it('resolves the top-level settings, skills folders relative to the file, shipped skills last', () => {
    const { cwd, home, env } = sandbox();
    write(path.join(cwd, 'conf', 'portai.yaml'), yaml);
    const config = loadConfig({ flag: 'conf/portai.yaml', env, cwd });
    expect(config.skills_dirs).toEqual([path.join(cwd, 'conf', 'my-skills'), path.join(home, 'shared-skills'), path.join(packageRoot(), 'skills')]);
    expect(config.timezone).toBe('Europe/London');
    expect(config.budget.usd_per_day).toBe(0.5);
    expect(config.defaults.privacy).toBe('private');
    expect(config.retry.max_wait_seconds).toBe(30);
    expect(config.routes[0]).toEqual({ when: { effort: 'high' }, use: ['plan/glm-4.7', 'router/google/gemini-3-flash-preview'] });
  });

  it('makes a generic preset metered unless the config says otherwise', () => {
    const { cwd, env } = sandbox();
    write(
      path.join(cwd, 'portai.yaml'),
      `providers:
  lab:
    preset: openai-compatible
    base_url: http://127.0.0.1:8000/v1
    models: [ { id: qwen3 } ]
  local:
    preset: anthropic-compatible
    base_url: http://127.0.0.1:8001
    billing: free
    models: [ { id: tiny } ]
routes:
  - use: [lab/qwen3, local/*]
`,
    );
    const config = loadConfig({ env, cwd });
    expect(config.providers.lab.models).toEqual([{ id: 'qwen3', wire: 'openai-chat', billing: 'metered' }]);
    expect(config.providers.local.models).toEqual([{ id: 'tiny', wire: 'anthropic-messages', billing: 'free' }]);
    expect(config.providers.local.base_urls).toEqual({ 'anthropic-messages': 'http://127.0.0.1:8001' });
  });

  it('loads an empty file as all defaults', () => {
    const { cwd, env } = sandbox();
    write(path.join(cwd, 'portai.yaml'), '# nothing yet\n');
    const config = loadConfig({ env, cwd });
    expect(config.providers).toEqual({});
    expect(config.routes).toEqual([]);
    expect(config.skills_dirs).toEqual([path.join(cwd, 'skills'), path.join(packageRoot(), 'skills')]);
  });
});

describe('the built-in default', () => {
  it('with only OPENROUTER_API_KEY set: OpenRouter free models for everything, budget 0', () => {
    const { cwd, env } = sandbox();
    const config = loadConfig({ env: { ...env, OPENROUTER_API_KEY: 'sk-or-test' }, cwd });
    expect(config.file).toBeNull();
    expect(Object.keys(config.providers)).toEqual(['openrouter']);
    expect(config.routes).toEqual([{ use: ['openrouter/*'] }]);
    expect(config.budget.usd_per_day).toBe(0);
    expect(config.defaults.privacy).toBe('private');
    expect(config.skills_dirs).toEqual([path.join(cwd, 'skills'), path.join(packageRoot(), 'skills')]);
    expect(config.providers.openrouter.wildcard).toContain('openrouter/free');
    expect(apiKeyOf(config.providers.openrouter, { OPENROUTER_API_KEY: 'sk-or-test' })).toBe('sk-or-test');
  });

  it('puts the subscription plans whose keys are set first for high effort, and never a metered preset', () => {
    const { cwd, env } = sandbox();
    const keys = { OPENROUTER_API_KEY: 'a', ZAI_API_KEY: 'b', OPENCODE_API_KEY: 'c', OPENAI_API_KEY: 'd', ANTHROPIC_API_KEY: 'e' };
    const config = loadConfig({ env: { ...env, ...keys }, cwd });
    expect(Object.keys(config.providers)).toEqual(['openrouter', 'zai-coding', 'opencode-go']);
    expect(config.routes).toEqual([
      { when: { effort: 'high' }, use: ['zai-coding/*', 'opencode-go/*', 'openrouter/*'] },
      { use: ['openrouter/*'] },
    ]);
    const billings = Object.values(config.providers).flatMap((provider) => provider.models.map((model) => model.billing));
    expect(billings).not.toContain('metered');
  });

  it('keeps OpenRouter even without any key, so the missing key can be named when a step runs', () => {
    const { cwd, env } = sandbox();
    const config = loadConfig({ env, cwd });
    expect(Object.keys(config.providers)).toEqual(['openrouter']);
    expect(apiKeyOf(config.providers.openrouter, env)).toBeUndefined();
  });
});

describe('defaultConfigYaml', () => {
  it('is a commented starter that loads without errors and spends nothing', () => {
    const { cwd, env } = sandbox();
    const text = defaultConfigYaml();
    expect(text).toMatch(/^# /);
    write(path.join(cwd, 'portai.yaml'), text);
    const config = loadConfig({ env, cwd });
    expect(Object.keys(config.providers)).toEqual(['openrouter', 'zai-coding', 'opencode-go']);
    expect(config.budget.usd_per_day).toBe(0);
    expect(Object.keys(config.serve.models)).toEqual(['free', 'think', '*haiku*', '*sonnet*', '*opus*']);
    expect(config.serve.models['*haiku*']).toEqual({ effort: 'low', tag: 'background' });
    const routed = config.routes.flatMap((route) => route.use);
    expect(routed.filter((ref) => ref.startsWith('opencode-go/'))).not.toEqual([]);
    const metered = Object.values(config.providers).filter((provider) => provider.billing === 'metered');
    expect(metered).toEqual([]);
  });
});

describe('apiKeyOf', () => {
  it('reads the variable the provider names; empty counts as unset; a keyless provider has none', () => {
    const { cwd, env } = sandbox();
    write(path.join(cwd, 'portai.yaml'), 'providers:\n  local: { preset: ollama, models: [ { id: llama3 } ] }\n  zai: { preset: zai-coding }\n');
    const config = loadConfig({ env, cwd });
    expect(apiKeyOf(config.providers.zai, { ZAI_API_KEY: 'k1' })).toBe('k1');
    expect(apiKeyOf(config.providers.zai, { ZAI_API_KEY: '' })).toBeUndefined();
    expect(apiKeyOf(config.providers.local, { ZAI_API_KEY: 'k1' })).toBeUndefined();
  });
});

describe('bad config files: one or two lines naming file, line:column and field', () => {
  const cases: Array<{ name: string; text: string; at: string; field?: string; message: RegExp; hint?: RegExp }> = [
    { name: 'malformed YAML', text: 'providers:\n  openrouter:\n    preset: openrouter\n   bad: [unclosed\n', at: '   bad', message: /YAML syntax error/ },
    { name: 'unknown key', text: 'budget: { usd_per_day: 0 }\nprovders: {}\n', at: 'provders', field: 'provders', message: /unknown field 'provders'/ },
    { name: 'wrong type', text: 'budget:\n  usd_per_day: lots\n', at: 'usd_per_day', field: 'budget.usd_per_day', message: /must be number/ },
    {
      name: 'unknown preset',
      text: 'providers:\n  router:\n    preset: open-router\n',
      at: 'preset',
      field: 'providers.router.preset',
      message: /unknown preset 'open-router'/,
      hint: /available presets: .*openrouter/,
    },
    {
      name: 'route to an unlisted model',
      text: 'providers:\n  openrouter: { preset: openrouter }\nroutes:\n  - use: [openrouter/openrouter/free, openrouter/acme/imaginary:free]\n',
      at: 'openrouter/acme',
      field: 'routes[0].use[1]',
      message: /model 'acme\/imaginary:free' is not listed for provider 'openrouter'/,
      hint: /- id: acme\/imaginary:free/,
    },
    {
      name: 'a route pattern on a provider without a catalog that matches none of its models',
      text: 'providers:\n  lab:\n    preset: openai-compatible\n    base_url: http://127.0.0.1:9/v1\n    models: [ { id: qwen3 } ]\nroutes:\n  - use: [lab/*:free]\n',
      at: 'lab/*:free',
      field: 'routes[0].use[0]',
      message: /'lab\/\*:free' matches no model: provider 'lab' lists none that match and has no catalog to sync/,
      hint: /list its models/,
    },
    {
      name: 'route to an unknown provider',
      text: 'providers:\n  openrouter: { preset: openrouter }\nroutes:\n  - when: { effort: high }\n    use:\n      - zai/glm-4.7\n',
      at: 'zai/glm-4.7',
      field: 'routes[0].use[0]',
      message: /provider 'zai', which is not configured/,
      hint: /configured providers: openrouter/,
    },
    {
      name: 'generic preset without base_url',
      text: 'providers:\n  lab:\n    preset: openai-compatible\n    models: [ { id: qwen3 } ]\n',
      at: 'lab',
      field: 'providers.lab',
      message: /no base URL/,
      hint: /base_url/,
    },
    { name: 'unknown time zone', text: 'timezone: Mars/Olympus\n', at: 'timezone', field: 'timezone', message: /unknown time zone/ },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      const { cwd, env } = sandbox();
      const file = write(path.join(cwd, 'portai.yaml'), testCase.text);
      const error = errorOf(() => loadConfig({ env, cwd }));
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(testCase.message);
      const expected = positionOf(testCase.text, testCase.at);
      expect(error.place?.file).toBe(file);
      expect(error.place?.line).toBe(expected.line);
      expect(error.place?.column).toBe(expected.column);
      if (testCase.field) expect(error.place?.field).toBe(testCase.field);
      if (testCase.hint) expect(error.hint).toMatch(testCase.hint);
      const lines = error.userLines();
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(2);
      expect(lines[0]).toContain(`${file}:${expected.line}`);
      expect(lines.join('\n')).not.toMatch(/\n\s+at /); // no stack trace
    });
  }
});

describe('serve.allow', () => {
  it('names the paid server-side features serve may forward; anything else is refused at its line', () => {
    const { cwd, env } = sandbox();
    write(path.join(cwd, 'portai.yaml'), 'serve:\n  allow: [web_search]\n');
    expect(loadConfig({ env, cwd }).serve.allow).toEqual(['web_search']);
    const file = write(path.join(cwd, 'portai.yaml'), 'serve:\n  allow: [web_search, fusion]\n');
    const error = errorOf(() => loadConfig({ env, cwd }));
    expect(error.exitCode).toBe(2);
    expect(error.place?.file).toBe(file);
    expect(error.place?.line).toBe(2);
    expect(error.userLines().join('\n')).toMatch(/allow/);
  });
});
