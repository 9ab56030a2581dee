// The shipped provider presets: each validates, points at the real endpoint, and reads errors sensibly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../src/errors.js';
import { loadPresets, packageRoot } from '../src/config/index.js';
import { shippedPresetsDir } from '../src/config/load-presets.js';
import type { ErrorRule, Preset } from '../src/types.js';
import { parse as parseYamlText } from 'yaml';
import { resolveConfig } from '../src/config/resolve-config.js';

const SHIPPED = [
  'anthropic',
  'anthropic-compatible',
  'ollama',
  'openai',
  'openai-compatible',
  'opencode-go',
  'openrouter',
  'zai',
  'zai-coding',
  'zai-coding-anthropic',
];

const temporaryDirs: string[] = [];
afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function temporaryDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-presets-'));
  temporaryDirs.push(dir);
  return dir;
}

const presets = loadPresets([shippedPresetsDir()]);
const preset = (name: string): Preset => {
  const found = presets.get(name);
  if (!found) throw new Error(`preset ${name} missing`);
  return found;
};
const ruleFor = (name: string, match: (rule: ErrorRule) => boolean): ErrorRule | undefined => preset(name).errors?.find(match);

describe('shipped presets', () => {
  it('every file in providers/ validates against the schema and is one of the documented presets', () => {
    expect([...presets.keys()].sort()).toEqual(SHIPPED);
    const files = fs.readdirSync(path.join(packageRoot(), 'providers')).filter((file) => file.endsWith('.yaml'));
    expect(files.length).toBe(SHIPPED.length);
  });

  it('points at the real base URLs', () => {
    expect(preset('openrouter').base_urls).toEqual({ 'openai-chat': 'https://openrouter.ai/api/v1' });
    expect(preset('zai-coding').base_urls).toEqual({ 'openai-chat': 'https://api.z.ai/api/coding/paas/v4' });
    expect(preset('zai-coding-anthropic').base_urls).toEqual({ 'anthropic-messages': 'https://api.z.ai/api/anthropic' });
    expect(preset('zai').base_urls).toEqual({ 'openai-chat': 'https://api.z.ai/api/paas/v4' });
    // one endpoint for both wires: /chat/completions under …/v1, and /v1/messages appended by the wire
    expect(preset('opencode-go').base_urls).toEqual({
      'openai-chat': 'https://opencode.ai/zen/go/v1',
      'anthropic-messages': 'https://opencode.ai/zen/go',
    });
    expect(preset('openai').base_urls).toEqual({ 'openai-chat': 'https://api.openai.com/v1' });
    expect(preset('anthropic').base_urls).toEqual({ 'anthropic-messages': 'https://api.anthropic.com' });
    expect(preset('ollama').base_urls).toEqual({ 'openai-chat': 'http://127.0.0.1:11434/v1' });
  });

  it('states billing classes, keys and auth as documented', () => {
    const billing = Object.fromEntries(SHIPPED.map((name) => [name, preset(name).billing]));
    expect(billing).toEqual({
      anthropic: 'metered',
      'anthropic-compatible': 'metered',
      ollama: 'free',
      openai: 'metered',
      'openai-compatible': 'metered',
      'opencode-go': 'subscription',
      openrouter: 'free',
      zai: 'metered',
      'zai-coding': 'subscription',
      'zai-coding-anthropic': 'subscription',
    });
    expect(preset('openrouter').api_key_env).toBe('OPENROUTER_API_KEY');
    expect(preset('zai-coding').api_key_env).toBe('ZAI_API_KEY');
    expect(preset('opencode-go').api_key_env).toBe('OPENCODE_API_KEY');
    expect(preset('anthropic').auth).toBe('x-api-key');
    expect(preset('ollama').auth).toBe('none');
    expect(preset('ollama').api_key_env).toBeUndefined();
  });

  it('leaves the generic presets empty so the config must give base URL and models', () => {
    for (const name of ['openai-compatible', 'anthropic-compatible']) {
      expect(preset(name).family).toBe('generic');
      expect(preset(name).base_urls).toEqual({});
      expect(preset(name).models).toEqual([]);
    }
  });

  it('prices every model of a metered preset, so the spend guard can bound it', () => {
    for (const name of ['zai', 'openai', 'anthropic', 'opencode-go']) {
      const unpriced = preset(name).models.filter((model) => !model.price).map((model) => model.id);
      expect(unpriced, name).toEqual([]);
    }
  });

  it('knows the documented limits and model facts', () => {
    expect(preset('openrouter').limits).toEqual({ requests_per_minute: 20, requests_per_day: 50 });
    // each Z.AI tier in credits per 5 h and per week, the legacy prompt tiers in requests; lite is the default
    for (const name of ['zai-coding', 'zai-coding-anthropic']) {
      const zai = preset(name);
      expect(zai.plan).toBe('lite');
      expect(zai.limits?.peak_hours).toEqual({ timezone: 'Asia/Shanghai', from: '14:00', to: '18:00' });
      expect(zai.plans?.lite.windows).toEqual([{ hours: 5, credits: 2000 }, { hours: 168, credits: 10000 }]);
      expect(zai.plans?.pro.windows).toEqual([{ hours: 5, credits: 12000 }, { hours: 168, credits: 60000 }]);
      expect(zai.plans?.max.windows).toEqual([{ hours: 5, credits: 28000 }, { hours: 168, credits: 140000 }]);
      expect(zai.plans?.['legacy-lite'].windows).toEqual([{ hours: 5, requests: 120 }]);
      for (const model of zai.models) expect(model.credits?.off_peak, model.id).toBe(0.5);
    }
    expect(preset('opencode-go').plan).toBe('go');
    expect(preset('opencode-go').limits?.windows).toEqual([
      { hours: 5, usd: 12 },
      { hours: 168, usd: 30 },
      { hours: 744, usd: 60 },
      { hours: 744, usd: 15, models: ['deepseek-v4-pro'] },
      { hours: 744, usd: 30, models: ['deepseek-v4-flash'] },
    ]);
    // every per-model cap names a model the preset lists
    const goIds = preset('opencode-go').models.map((model) => model.id);
    for (const window of preset('opencode-go').limits?.windows ?? []) for (const id of window.models ?? []) expect(goIds).toContain(id);
    expect(preset('opencode-go').warnings?.join(' ')).toMatch(/use balance/i);
    const nemotron = preset('openrouter').models.find((model) => model.id === 'nvidia/nemotron-3-super-120b-a12b:free');
    expect(nemotron?.trains_on_data).toBe(true);
    expect(preset('openrouter').models.map((model) => model.id)).toContain('openrouter/free');
    const zaiIds = preset('zai-coding').models.map((model) => model.id);
    expect(zaiIds).toEqual(['glm-5.1', 'glm-5-turbo', 'glm-4.7', 'glm-4.5-air']);
    for (const model of preset('zai-coding').models) {
      expect(model.thinking).toBe('zai-thinking');
      if (model.id.startsWith('glm-5')) expect(model.quota_weight).toEqual({ peak: 3, off_peak: 2 });
    }
  });

  it('states trains_on_data for every model from the published terms, with the source in a comment', () => {
    for (const name of SHIPPED) {
      const text = fs.readFileSync(path.join(shippedPresetsDir(), `${name}.yaml`), 'utf8');
      const raw = parseYamlText(text) as { trains_on_data?: unknown; models: Array<{ id: string; trains_on_data?: unknown }> };
      for (const model of raw.models) expect([true, false, 'unknown'], `${name}: ${model.id}`).toContain(model.trains_on_data ?? raw.trains_on_data);
      if (raw.models.length === 0) expect([true, false, 'unknown'], name).toContain(raw.trains_on_data);
      const stated = [raw.trains_on_data, ...raw.models.map((model) => model.trains_on_data)].some((value) => typeof value === 'boolean');
      // a true or false is a claim about someone's terms: the file says where it comes from
      if (stated && name !== 'ollama') expect(text, name).toMatch(/^\s*#.*https:\/\//m);
    }
  });

  it('states input_modalities only with a source, and only OpenAI models read images (others: unknown = no vision)', () => {
    const readers = [...presets.values()].flatMap((item) => item.models.filter((model) => model.input_modalities?.includes('image')).map((model) => `${item.name}/${model.id}`));
    expect(readers).toEqual(['openai/gpt-5.5', 'openai/gpt-5.4', 'openai/gpt-5.4-mini', 'openai/gpt-5-mini']);
    expect(fs.readFileSync(path.join(shippedPresetsDir(), 'openai.yaml'), 'utf8')).toMatch(/# input_modalities: .*\(https:\/\/developers\.openai\.com\//);
  });

  it('reads unknown as absent, and the provider-wide fact fills in for models that state none', () => {
    const gptOss = preset('openrouter').models.find((model) => model.id === 'openai/gpt-oss-20b:free');
    expect(gptOss && 'trains_on_data' in gptOss).toBe(false);
    expect(preset('openai-compatible').trains_on_data).toBeUndefined();
    for (const name of ['zai', 'zai-coding', 'zai-coding-anthropic', 'opencode-go', 'openai', 'anthropic']) {
      for (const model of preset(name).models) expect(model.trains_on_data, `${name}/${model.id}`).toBe(false);
    }
    const shelf = new Map(presets);
    const config = resolveConfig({ providers: { local: { preset: 'ollama', models: [{ id: 'llama3.2' }] } } }, shelf, { file: null, baseDir: os.tmpdir(), placeOf: () => ({}), env: {} });
    expect(config.providers.local.models[0].trains_on_data).toBe(false);
  });

  it('chooses the wire per OpenCode Go model: MiniMax and Qwen speak /messages, the rest /chat/completions', () => {
    for (const model of preset('opencode-go').models) {
      const expected = /^(minimax|qwen)/.test(model.id) ? 'anthropic-messages' : undefined;
      expect(model.wire, model.id).toBe(expected);
    }
    expect(preset('opencode-go').wire).toBe('openai-chat');
  });
});

describe('error rules', () => {
  it('are well-formed: each matches on something, and none is hidden behind an earlier, broader rule', () => {
    for (const name of SHIPPED) {
      const rules = preset(name).errors ?? [];
      rules.forEach((rule, index) => {
        expect(rule.status !== undefined || rule.code !== undefined || rule.message !== undefined, `${name}[${index}]`).toBe(true);
        if (rule.kind === 'quota_exhausted') expect(rule.scope, `${name}[${index}]`).not.toBe('none');
        const shadowedBy = rules.slice(0, index).findIndex((earlier) => covers(earlier, rule));
        expect(shadowedBy, `${name}: rule ${index} is shadowed by rule ${shadowedBy}`).toBe(-1);
      });
    }
  });

  it('reads OpenRouter 429s three different ways, and 402 / 404 as documented', () => {
    const perDay = ruleFor('openrouter', (rule) => rule.message === 'free-models-per-day');
    expect(perDay).toMatchObject({ status: 429, kind: 'quota_exhausted', scope: 'free_pool', reset: 'x-ratelimit-reset' });
    expect(ruleFor('openrouter', (rule) => rule.message === 'free-models-per-min')).toMatchObject({ kind: 'rate_limited', scope: 'provider' });
    expect(ruleFor('openrouter', (rule) => rule.message === 'Provider returned error')).toMatchObject({ kind: 'rate_limited', scope: 'model' });
    expect(ruleFor('openrouter', (rule) => rule.status === 402 && rule.message === undefined)).toMatchObject({ kind: 'payment_required', scope: 'provider' });
    expect(ruleFor('openrouter', (rule) => rule.status === 402 && rule.message !== undefined)).toMatchObject({ kind: 'payment_required', scope: 'none', retryable: true, reset: 'retry-after' });
    expect(ruleFor('openrouter', (rule) => rule.status === 429 && rule.message === undefined)).toMatchObject({ kind: 'rate_limited', scope: 'provider', reset: 'x-ratelimit-reset' });
    expect(ruleFor('openrouter', (rule) => rule.message === 'No endpoints found')).toMatchObject({ status: 404, kind: 'model_gone', scope: 'model' });
  });

  it('reads every documented Z.AI code, the same on the three Z.AI presets', () => {
    const expected: Record<string, Partial<ErrorRule>> = {
      '1113': { kind: 'payment_required', scope: 'provider' },
      '1302': { kind: 'rate_limited', scope: 'provider' },
      '1303': { kind: 'rate_limited' },
      '1304': { kind: 'quota_exhausted', scope: 'provider' },
      '1305': { kind: 'rate_limited', reset: 'retry-after' },
      '1308': { kind: 'quota_exhausted', scope: 'provider', reset: 'message-beijing-time' },
      '1309': { kind: 'payment_required' },
      '1310': { kind: 'quota_exhausted', scope: 'provider' },
      '1311': { scope: 'model' },
      '1312': { kind: 'overloaded' },
      '1313': { kind: 'quota_exhausted', scope: 'provider' },
    };
    for (const name of ['zai', 'zai-coding', 'zai-coding-anthropic']) {
      for (const [code, facts] of Object.entries(expected)) {
        // Z.AI sends codes as strings; the rule must too, or a strict comparison would miss it
        expect(ruleFor(name, (rule) => rule.code === code), `${name} ${code}`).toMatchObject(facts);
      }
      expect(ruleFor(name, (rule) => rule.code === '1113')?.hint).toMatch(/not a rate limit/);
    }
  });

  it('treats Anthropic 529 as overloaded and retryable', () => {
    expect(ruleFor('anthropic', (rule) => rule.status === 529)).toMatchObject({ kind: 'overloaded', retryable: true });
  });
});

describe('loadPresets', () => {
  it("lets the user's own folder replace a shipped preset and add new ones", () => {
    const userDir = temporaryDir();
    const own = fs.readFileSync(path.join(shippedPresetsDir(), 'openrouter.yaml'), 'utf8').replace('requests_per_day: 50', 'requests_per_day: 1000');
    fs.writeFileSync(path.join(userDir, 'openrouter.yaml'), own);
    fs.writeFileSync(
      path.join(userDir, 'my-lab.yml'),
      'name: my-lab\ndescription: lab box\nfamily: generic\nwire: openai-chat\nbase_urls: { openai-chat: "http://10.0.0.2:8000/v1" }\nauth: none\nbilling: free\nmodels: [ { id: qwen } ]\n',
    );
    const merged = loadPresets([shippedPresetsDir(), userDir]);
    expect(merged.get('openrouter')?.limits?.requests_per_day).toBe(1000);
    expect(merged.get('my-lab')?.models).toEqual([{ id: 'qwen' }]);
    expect(merged.size).toBe(SHIPPED.length + 1);
  });

  it('skips a folder that does not exist', () => {
    expect(loadPresets([path.join(temporaryDir(), 'nope')]).size).toBe(0);
  });

  it('rejects a preset whose name differs from its file, and an unknown field with its line', () => {
    const dir = temporaryDir();
    fs.writeFileSync(path.join(dir, 'alpha.yaml'), 'name: beta\ndescription: x\nfamily: generic\nwire: openai-chat\nbase_urls: {}\nauth: none\nbilling: free\nmodels: []\n');
    expect(() => loadPresets([dir])).toThrow(/differs from its file name/);
    fs.writeFileSync(
      path.join(dir, 'alpha.yaml'),
      'name: alpha\ndescription: x\nfamily: generic\nwire: openai-chat\nbase_urls: {}\nauth: none\nbilling: free\nmodels: []\nprice_list: 3\n',
    );
    const error = catchError(() => loadPresets([dir]));
    expect(error).toBeInstanceOf(BadInputError);
    expect(error.place).toMatchObject({ file: path.join(dir, 'alpha.yaml'), line: 9, field: 'price_list' });
  });
});

/** An earlier rule hides a later one when every condition of the earlier also holds for the later. */
function covers(earlier: ErrorRule, later: ErrorRule): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (earlier.status !== undefined && !same(earlier.status, later.status)) return false;
  if (earlier.code !== undefined && !same(earlier.code, later.code)) return false;
  if (earlier.message !== undefined && !(later.message ?? '').toLowerCase().includes(earlier.message.toLowerCase())) return false;
  return true;
}

function catchError(action: () => unknown): BadInputError {
  try {
    action();
  } catch (error) {
    return error as BadInputError;
  }
  throw new Error('expected an error');
}
