// Pure catalog logic: OpenRouter's per-token string prices become per-million numbers, and a fresh
// catalog compared with the config and the previous sync says what the user must know.
import { describe, expect, it } from 'vitest';
import type { ResolvedModel, ResolvedProvider } from '../src/types.js';
import { compareCatalog, formatModelList, formatSyncReports, isFreeRow, normaliseCatalog, perMillion } from '../src/catalog/index.js';
import type { CatalogRow, SyncReport } from '../src/catalog/index.js';
import { openCodeModel, openRouterModel } from './fake-provider/catalog-routes.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

function provider(models: Array<Partial<ResolvedModel> & { id: string }>): ResolvedProvider {
  return {
    name: 'openrouter', preset: 'openrouter', family: 'openrouter', wire: 'openai-chat',
    base_urls: { 'openai-chat': 'http://127.0.0.1:9/api/v1' }, api_key_env: 'OPENROUTER_API_KEY', auth: 'bearer',
    headers: {}, billing: 'free', limits: {}, wildcard: models.map((model) => model.id), errors: [], catalog: '/models', warnings: [],
    models: models.map((model) => ({ wire: 'openai-chat', billing: 'free', ...model })),
  };
}

function row(id: string, prompt: number | null = 0, completion: number | null = 0, expiration: string | null = null): CatalogRow {
  return { id, prompt_price: prompt, completion_price: completion, context: 1000, expiration, raw: {} };
}

describe('perMillion', () => {
  it.each([
    ['0.00003', 30],
    ['0.0000005', 0.5],
    ['0.000002', 2],
    ['0', 0],
    [0.000015, 15],
  ])('%s USD per token is %s USD per million', (input, expected) => {
    expect(perMillion(input)).toBe(expected);
  });

  it.each([['-1'], [''], ['abc'], [undefined], [null]])('%s is unknown, never zero', (input) => {
    expect(perMillion(input)).toBeNull();
  });
});

describe('normaliseCatalog', () => {
  it('reads OpenRouter models: prices per million, context, expiry', () => {
    const rows = normaliseCatalog({
      data: [
        openRouterModel({ id: 'google/gemini-3-flash-preview', prompt: '0.0000005', completion: '0.000003', context: 1048576, expiration: '2026-12-01' }),
        openRouterModel({ id: 'openai/gpt-oss-20b:free', context: null }),
      ],
    });
    expect(rows).toEqual([
      expect.objectContaining({ id: 'google/gemini-3-flash-preview', prompt_price: 0.5, completion_price: 3, context: 1048576, expiration: '2026-12-01' }),
      expect.objectContaining({ id: 'openai/gpt-oss-20b:free', prompt_price: 0, completion_price: 0, context: null, expiration: null }),
    ]);
    expect((rows?.[0].raw as { name: string }).name).toBe('gemini-3-flash-preview');
  });

  it('reads an OpenAI-style list (OpenCode Go) with unknown prices', () => {
    const rows = normaliseCatalog({ object: 'list', data: [openCodeModel('glm-5.1'), openCodeModel('kimi-k2.5')] });
    expect(rows?.map((entry) => [entry.id, entry.prompt_price, entry.completion_price])).toEqual([
      ['glm-5.1', null, null],
      ['kimi-k2.5', null, null],
    ]);
    expect(rows?.some(isFreeRow)).toBe(false);
  });

  it('rejects bodies that are not model lists and skips entries without an id', () => {
    expect(normaliseCatalog({ error: { message: 'nope' } })).toBeUndefined();
    expect(normaliseCatalog('<html>')).toBeUndefined();
    expect(normaliseCatalog({ data: [{ name: 'no id' }, openCodeModel('a')] })?.map((entry) => entry.id)).toEqual(['a']);
  });
});

describe('compareCatalog', () => {
  const configured = provider([
    { id: 'vendor/alpha:free' },
    { id: 'vendor/beta:free' },
    { id: 'vendor/gamma:free' },
    { id: 'vendor/paid', billing: 'metered', price: { input: 1, output: 2 } },
  ]);

  it('reports configured models gone, configured free models priced, expiring and new free models', () => {
    const previous = [row('vendor/alpha:free'), row('vendor/beta:free'), row('vendor/gamma:free'), row('vendor/paid', 1, 2), row('other/old:free')];
    const current = [
      row('vendor/alpha:free', 0.1, 0.4), // turned paid
      row('vendor/gamma:free', 0, 0, new Date(NOW + 5 * DAY).toISOString().slice(0, 10)), // expires in 5 days
      row('vendor/paid', 1, 2, new Date(NOW + 30 * DAY).toISOString().slice(0, 10)), // far away
      row('other/old:free'),
      row('other/new:free'),
      row('other/zero-priced', 0, 0),
      row('other/paid-new', 3, 4, new Date(NOW + 2 * DAY).toISOString().slice(0, 10)), // expiring, but neither free nor configured
    ];
    const changes = compareCatalog({ models: configured.models, previous, current, now_ms: NOW });
    expect(changes.gone).toEqual(['vendor/beta:free']);
    expect(changes.priced).toEqual([{ id: 'vendor/alpha:free', input: 0.1, output: 0.4 }]);
    expect(changes.expiring).toEqual([{ id: 'vendor/gamma:free', expires: current[1].expiration, days_left: 4, configured: true }]);
    expect(changes.new_free).toEqual(['other/new:free', 'other/zero-priced']);
  });

  it('never calls a metered model "priced", and lists no new free models on a first sync', () => {
    const changes = compareCatalog({ models: configured.models, previous: null, current: [row('vendor/paid', 5, 6), row('x/y:free')], now_ms: NOW });
    expect(changes.priced).toEqual([]);
    expect(changes.new_free).toEqual([]);
    expect(changes.gone).toEqual(['vendor/alpha:free', 'vendor/beta:free', 'vendor/gamma:free']);
  });

  it('counts the 14-day edge: day 14 warns, day 15 does not', () => {
    const at = (days: number) => new Date(NOW + days * DAY).toISOString();
    const changes = compareCatalog({ models: configured.models, previous: [], current: [row('a:free', 0, 0, at(14)), row('b:free', 0, 0, at(15)), row('c:free', 0, 0, at(-1))], now_ms: NOW });
    expect(changes.expiring.map((model) => [model.id, model.days_left])).toEqual([
      ['a:free', 14],
      ['c:free', -1],
    ]);
  });
});

describe('formatting', () => {
  it('prints every kind of change and a failed sync with its fix', () => {
    const reports: SyncReport[] = [
      { provider: 'openrouter', ok: true, models: 7, synced_utc: 'now', previous_sync_utc: '2026-11-20T00:00:00.000Z', gone: ['g:free'], priced: [{ id: 'p:free', input: 0.1, output: null }], expiring: [{ id: 'e:free', expires: '2026-12-01', days_left: 3, configured: true }], new_free: ['n:free'] },
      { provider: 'opencode-go', ok: false, error: 'cannot reach http://127.0.0.1:9', fix: 'check base_url', models: 0, synced_utc: null, previous_sync_utc: null, gone: [], priced: [], expiring: [], new_free: [] },
    ];
    const text = formatSyncReports(reports);
    expect(text).toMatch(/gone\s+g:free/);
    expect(text).toMatch(/priced\s+p:free .*\$0\.1 in \/ \? out/);
    expect(text).toMatch(/expiring\s+e:free — expires in 3 days \(2026-12-01\); it is in your config/);
    expect(text).toMatch(/new free\s+n:free/);
    expect(text).toContain('opencode-go: sync failed: cannot reach http://127.0.0.1:9\n  fix: check base_url');
  });

  it('lists models as a table with unknown values as ?', () => {
    const text = formatModelList([
      { provider: 'openrouter', id: 'a:free', input_per_million: 0, output_per_million: 0, context: 1000, expires: null, free: true, configured: true, trains_on_data: true },
      { provider: 'opencode-go', id: 'glm-5.1', input_per_million: null, output_per_million: null, context: null, expires: null, free: false, configured: false, trains_on_data: null, evals: { passed: 2, tested: 3 } },
    ]);
    const lines = text.trim().split('\n');
    expect(lines[0]).toMatch(/^provider\s+model\s+in \$\/M\s+out \$\/M\s+context\s+expires\s+trains\s+evals$/);
    // no skill tested on it: '-'; else passed of the skills tested on it
    expect(lines[1]).toMatch(/^openrouter\s+a:free\s+0\s+0\s+1000\s+yes\s+-$/);
    expect(lines[2]).toMatch(/^opencode-go\s+glm-5\.1\s+\?\s+\?\s+\?\s+\?\s+2\/3 skills$/);
  });
});
