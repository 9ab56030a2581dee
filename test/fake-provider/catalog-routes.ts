// Catalog, key and quota bodies shaped like the real ones, and Z.AI's quota endpoint
// (GET /api/monitor/usage/quota/limit), which the main fake (server.ts) answers too, or a stand-alone server:
//
//   provider.setModels([openRouterModel({ id: 'x:free' }), openRouterModel({ id: 'y', prompt: '0.000001' })]);
//   provider.setKey(openRouterKey({ limit_remaining: -0.5 }));
//   provider.setQuota(zaiCreditQuota({ used5h: 1500 }));
//   const quota = await startQuotaServer(zaiQuota({ percentage: 100 }));
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from './shape.js';
import type { RecordedRequest } from './types.js';

export interface OpenRouterModelInit {
  id: string;
  /** USD per token, a string as OpenRouter sends it (default "0") */
  prompt?: string;
  completion?: string;
  context?: number | null;
  expiration?: string | null;
}

/** One entry of OpenRouter's GET /models, with every field its OpenAPI `Model` schema requires. */
export function openRouterModel(init: OpenRouterModelInit): Record<string, unknown> {
  const slug = init.id.replace(/:free$/, '');
  const context = init.context === undefined ? 131072 : init.context;
  return {
    id: init.id,
    canonical_slug: slug,
    hugging_face_id: null,
    name: slug.split('/').pop() ?? slug,
    created: 1767225600,
    description: `${slug} (fake catalog entry)`,
    context_length: context,
    architecture: { modality: 'text->text', input_modalities: ['text'], output_modalities: ['text'], tokenizer: 'Other', instruct_type: null },
    pricing: { prompt: init.prompt ?? '0', completion: init.completion ?? '0', request: '0', image: '0' },
    top_provider: { context_length: context, max_completion_tokens: 16384, is_moderated: false },
    per_request_limits: null,
    supported_parameters: ['max_tokens', 'temperature', 'top_p', 'response_format'],
    default_parameters: null,
    supported_voices: null,
    knowledge_cutoff: null,
    expiration_date: init.expiration ?? null,
    links: { details: `/api/v1/models/${slug}/endpoints` },
  };
}

/** GET /key's `data`, every field the OpenAPI schema requires, plus `free_model_daily_requests`. */
export function openRouterKey(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    label: 'sk-or-v1-fak...e00',
    limit: null,
    limit_remaining: null,
    limit_reset: null,
    usage: 0,
    usage_daily: 0,
    usage_weekly: 0,
    usage_monthly: 0,
    byok_usage: 0,
    byok_usage_daily: 0,
    byok_usage_weekly: 0,
    byok_usage_monthly: 0,
    is_free_tier: true,
    is_management_key: false,
    is_provisioning_key: false,
    include_byok_in_limit: false,
    creator_user_id: 'user_fake000000000000000000000',
    expires_at: null,
    rate_limit: { requests: -1, interval: '10s', note: 'This field is deprecated and safe to ignore.' },
    free_model_daily_requests: { used: 3, limit: 50, remaining: 47 },
    ...overrides,
  };
}

/** One entry of OpenCode Go's GET /models: an OpenAI-style list without prices. */
export function openCodeModel(id: string): Record<string, unknown> {
  return { id, object: 'model', created: 1767225600, owned_by: 'opencode' };
}

export interface ZaiQuotaInit {
  /** percent of the 5-hour prompt quota used */
  percentage?: number;
  nextResetTime?: number;
  level?: string;
}

/** Z.AI's quota answer as its own usage tools see it. */
export function zaiQuota(init: ZaiQuotaInit = {}): Record<string, unknown> {
  return {
    code: 200,
    msg: 'Operation successful',
    success: true,
    data: {
      level: init.level ?? 'lite',
      limits: [
        { type: 'TOKENS_LIMIT', unit: 3, number: 5, percentage: init.percentage ?? 12, nextResetTime: init.nextResetTime ?? 1798776000000 },
        { type: 'TIME_LIMIT', unit: 5, number: 1, usage: 100, currentValue: 28, remaining: 72, percentage: 28, nextResetTime: 1799999999000, usageDetails: [] },
      ],
    },
  };
}

export interface ZaiCreditQuotaInit {
  level?: string;
  used5h?: number;
  limit5h?: number;
  reset5h?: number;
  usedWeek?: number;
  limitWeek?: number;
  resetWeek?: number;
  /** rows of some newer kind, to prove they are reported and never crash the reader */
  extraRows?: unknown[];
}

/**
 * The credit-era answer (since 2026-08): CREDIT_LIMIT rows per 5 hours (unit 3, number 5) and per week (unit 6),
 * `usage` the allowance, `currentValue` the credits used — the shape in github.com/opgginc/opencode-bar/pull/150.
 */
export function zaiCreditQuota(init: ZaiCreditQuotaInit = {}): Record<string, unknown> {
  const row = (unit: number, number: number, usage: number, used: number, reset: number) => ({
    type: 'CREDIT_LIMIT',
    unit,
    number,
    usage,
    currentValue: used,
    remaining: Math.max(0, usage - used),
    percentage: Math.floor((used / usage) * 100),
    nextResetTime: reset,
  });
  return {
    code: 200,
    msg: 'Operation successful',
    success: true,
    data: {
      limits: [
        row(3, 5, init.limit5h ?? 2000, init.used5h ?? 27, init.reset5h ?? 1786717056698),
        row(6, 1, init.limitWeek ?? 10000, init.usedWeek ?? 27, init.resetWeek ?? 1787301777997),
        ...(init.extraRows ?? []),
      ],
      level: init.level ?? 'lite',
    },
  };
}

export interface CatalogRouteState {
  /** what the quota endpoint answers; a number alone means that HTTP status with an error body */
  quota: unknown;
}

/** Answers the routes of this file; false when the request is not one of them. */
export function answerCatalogRoute(request: RecordedRequest, response: http.ServerResponse, state: CatalogRouteState): boolean {
  const pathname = request.path.split('?')[0];
  if (request.method !== 'GET' || !pathname.endsWith('/monitor/usage/quota/limit')) return false;
  if (!request.headers.authorization) sendJson(response, 401, { code: 1000, msg: 'Authorization Token Missing', success: false });
  else if (typeof state.quota === 'number') sendJson(response, state.quota, { code: state.quota, msg: 'fake quota failure', success: false });
  else sendJson(response, 200, state.quota);
  return true;
}

export interface QuotaServer {
  url: string;
  requests: RecordedRequest[];
  setQuota(body: unknown): void;
  close(): Promise<void>;
}

/** A stand-alone loopback server for the quota route, until server.ts answers it itself. */
export async function startQuotaServer(quota: unknown = zaiQuota()): Promise<QuotaServer> {
  const state: CatalogRouteState = { quota };
  const requests: RecordedRequest[] = [];
  const server = http.createServer((incoming, response) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === 'string') headers[name] = value;
    const recorded: RecordedRequest = { method: incoming.method ?? 'GET', path: incoming.url ?? '/', headers, body: undefined, at_ms: Date.now() };
    requests.push(recorded);
    incoming.resume();
    incoming.on('end', () => {
      if (!answerCatalogRoute(recorded, response, state)) sendJson(response, 404, { code: 404, msg: `no ${recorded.path}`, success: false });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setQuota: (body) => void (state.quota = body),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
