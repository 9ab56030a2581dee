// Built-in ways to read each provider family's errors, tried after the preset's own `errors:` rules
// and before the plain status defaults. Data, in the same shape a preset uses, so a preset can
// override any line. Sources: OpenRouter's limits docs, https://docs.z.ai/api-reference/api-code and
// https://docs.bigmodel.cn/cn/api/api-code (Z.AI codes 1113 and 1302–1313, checked 2026-12-02), and real bodies seen
// in public issue trackers (see test/fixtures/errors).
import type { ErrorRule, ProviderFamily } from '../types.js';

const OPENROUTER: ErrorRule[] = [
  {
    status: 429,
    message: 'free-models-per-day',
    kind: 'quota_exhausted',
    scope: 'free_pool',
    retryable: false,
    reset: 'x-ratelimit-reset',
    hint: "OpenRouter's daily free-model cap is shared by every free model of the account; it resets at 00:00 UTC",
  },
  { status: 429, message: 'free-models-per-min', kind: 'rate_limited', scope: 'provider', retryable: true, reset: 'x-ratelimit-reset' },
  // an upstream provider's own limit: another free model may well work
  { status: 429, message: 'Provider returned error', kind: 'rate_limited', scope: 'model', retryable: true, reset: 'retry-after' },
  // any other 429 is OpenRouter's own, with X-RateLimit-* headers (https://openrouter.ai/docs/api-reference/limits);
  // X-RateLimit-Reset is epoch ms in every recorded body (test/fixtures/errors/openrouter-429-*)
  { status: 429, kind: 'rate_limited', scope: 'provider', retryable: true, reset: 'x-ratelimit-reset' },
  {
    status: 404,
    message: 'data policy',
    kind: 'bad_request',
    scope: 'model',
    retryable: false,
    hint: 'no endpoint of this model matches the data policy (private skills send data_collection: "deny"); see https://openrouter.ai/settings/privacy',
  },
];

const ZAI: ErrorRule[] = [
  {
    code: '1113',
    kind: 'payment_required',
    scope: 'provider',
    retryable: false,
    hint: 'Z.AI says "insufficient balance" (1113): not a rate limit. With a Coding Plan, check the base URL is https://api.z.ai/api/coding/paas/v4 (or /api/anthropic)',
  },
  { code: '1302', kind: 'rate_limited', scope: 'provider', retryable: true, reset: 'retry-after', hint: 'too many requests in flight at once: lower limits.concurrency' },
  { code: '1303', kind: 'rate_limited', scope: 'provider', retryable: true, reset: 'retry-after' },
  // 1304 "today's call limit of this API is reached", 1305 "traffic limiting triggered" (api-code pages, 2026-12-02)
  { code: '1304', kind: 'quota_exhausted', scope: 'provider', retryable: false, hint: "Z.AI's daily call limit for this API is reached" },
  { code: '1305', kind: 'rate_limited', scope: 'provider', retryable: true, reset: 'retry-after' },
  { code: '1308', kind: 'quota_exhausted', scope: 'provider', retryable: false, reset: 'message-beijing-time', hint: 'the 5-hour quota of the Coding Plan is used up' },
  { code: '1309', kind: 'payment_required', scope: 'provider', retryable: false, hint: 'the GLM Coding Plan has expired: renew it at https://z.ai' },
  { code: '1310', kind: 'quota_exhausted', scope: 'provider', retryable: false, reset: 'message-beijing-time', hint: 'the weekly/monthly quota of the Coding Plan is used up' },
  { code: '1311', kind: 'model_gone', scope: 'model', retryable: false, hint: 'your plan does not include this model: remove it from the route' },
  { code: '1312', kind: 'overloaded', scope: 'model', retryable: true, reset: 'retry-after' },
  // "request frequency has been limited … To restore access, please submit a request": it lasts until a review, so
  // the provider is held (until the next UTC midnight) rather than retried into a worse fair-use standing
  {
    code: '1313',
    kind: 'quota_exhausted',
    scope: 'provider',
    retryable: false,
    hint: "Z.AI throttled the account under its fair-use policy; the plan is meant for supported coding tools (request a review in the Z.AI console)",
  },
];

const OPENCODE: ErrorRule[] = [
  // OpenCode Go's dollar windows: "5 hour / weekly / Monthly usage limit reached. It will reset in 5 days 10 hours.
  // To continue using this model now, enable usage from your available balance" (anomalyco/opencode#49170, #42686)
  { message: 'usage limit reached', kind: 'quota_exhausted', scope: 'provider', retryable: false, reset: 'message-reset-in', hint: 'a dollar window of the OpenCode Go plan is used up; it resets by itself' },
  { status: 429, code: 'FreeUsageLimitError', kind: 'quota_exhausted', scope: 'free_pool', retryable: false, reset: 'retry-after', hint: 'OpenCode free usage is used up for now' },
  // OpenCode passes an upstream's own limit through ("Error from provider (Xiaomi): …"): another model may work
  { status: 429, message: 'Error from provider', kind: 'rate_limited', scope: 'model', retryable: true, reset: 'retry-after' },
];

export const FAMILY_ERROR_RULES: Record<ProviderFamily, ErrorRule[]> = {
  openrouter: OPENROUTER,
  zai: ZAI,
  opencode: OPENCODE,
  openai: [],
  anthropic: [],
  ollama: [],
  generic: [],
};
