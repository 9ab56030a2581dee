// The one place where a failed request becomes a ProviderError: the preset's rules first, then the
// family's built-in rules, then defaults by error type and HTTP status. Messages are the provider's
// own words, never containing our key.
import type { Endpoint, ErrorKind, ErrorRule, ErrorScope, ResetSource } from '../types.js';
import { ProviderError, type ProviderErrorInit } from '../errors.js';
import { redact as redactSecrets } from '../redact.js';
import { errorFacts, excerpt, isObject, looksLikeHtml, type ErrorFacts } from './error-body.js';
import { FAMILY_ERROR_RULES } from './family-error-rules.js';
import { resetAt, retryAfterSeconds, type ResetInputs } from './reset-time.js';
import { statusDefault } from './status-defaults.js';

export interface ErrorContext {
  endpoint: Endpoint;
  headers: Record<string, string>;
  now_ms: number;
  /** the model asked for: a 404 naming it means the model is gone */
  model?: string;
}

/** A non-2xx answer. */
export function mapHttpError(endpoint: Endpoint, status: number, headers: Record<string, string>, bodyText: string, nowMs: number, model?: string): ProviderError {
  const context = { endpoint, headers, now_ms: nowMs, model };
  if (looksLikeHtml(bodyText, headers['content-type'])) {
    return badResponse(endpoint, `${originOf(endpoint)} answered HTTP ${status} with an HTML page: ${excerpt(bodyText)}`, status, status >= 500);
  }
  let body: unknown;
  try {
    body = bodyText.trim() === '' ? undefined : JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  // a plain-text or empty error body still says enough through its status (a proxy's "Too Many Requests")
  const facts = errorFacts(body) ?? { message: bodyText.trim() ? excerpt(bodyText) : `HTTP ${status}`, metadata: {} };
  return new ProviderError(classify(context, status, status, facts));
}

/**
 * An error inside a 200: OpenRouter's finish_reason "error" / choices[0].error, an SSE chunk with
 * `error`, an Anthropic `event: error`. errorBody is the error object or the body holding it.
 */
export function mapBodyError(endpoint: Endpoint, errorBody: unknown, headers: Record<string, string>, nowMs: number, model?: string): ProviderError {
  const wrapped = isObject(errorBody) && 'error' in errorBody ? errorBody : { error: errorBody };
  const facts = errorFacts(wrapped) ?? { message: 'the provider reported an error during generation', metadata: {} };
  // OpenRouter puts an HTTP-like status in error.code; anything else is an upstream failure
  const numeric = Number(facts.code);
  const effective = Number.isInteger(numeric) && numeric >= 400 && numeric <= 599 ? numeric : 502;
  return new ProviderError(classify({ endpoint, headers, now_ms: nowMs, model }, effective, 200, facts));
}

export function badResponse(endpoint: Endpoint, message: string, status?: number, retryable = false): ProviderError {
  return new ProviderError({ kind: 'bad_response', message: redact(message, endpoint), provider: endpoint.provider, status, retryable });
}

function classify(context: ErrorContext, status: number, httpStatus: number, facts: ErrorFacts): ProviderErrorInit {
  const { endpoint, headers, now_ms } = context;
  const raw = typeof facts.metadata.raw === 'string' ? facts.metadata.raw : '';
  const message = raw && !facts.message.includes(raw) ? `${facts.message}: ${raw}` : facts.message;
  const rules = [...endpoint.errors, ...FAMILY_ERROR_RULES[endpoint.family]];
  const rule = rules.find((candidate) => ruleMatches(candidate, status, facts, message));
  const decision: Decision = rule ?? statusDefault(status, facts, message, context.model);

  const inputs: ResetInputs = { headers, metadata: facts.metadata, message, now_ms };
  const retryAfter = retryAfterSeconds(inputs);
  let resetMs = decision.reset ? resetAt(decision.reset, inputs) : undefined;
  if (resetMs === undefined && retryAfter !== undefined) resetMs = now_ms + Math.ceil(retryAfter * 1000);
  let waitSeconds = retryAfter;
  if (waitSeconds === undefined && resetMs !== undefined && decision.kind !== 'quota_exhausted') waitSeconds = Math.max(0, Math.ceil((resetMs - now_ms) / 1000));

  return {
    kind: decision.kind,
    message: redact(shorten(message || `HTTP ${status}`), endpoint),
    provider: endpoint.provider,
    status: httpStatus,
    code: facts.code,
    retryable: decision.retryable,
    retry_after_s: waitSeconds,
    reset_at_ms: resetMs,
    scope: decision.scope,
    hint: decision.hint ? redact(decision.hint, endpoint) : undefined,
    detail: detailOf(facts, endpoint),
  };
}

export interface Decision {
  kind: ErrorKind;
  scope?: ErrorScope;
  retryable?: boolean;
  reset?: ResetSource;
  hint?: string;
}

function ruleMatches(rule: ErrorRule, status: number, facts: ErrorFacts, message: string): boolean {
  if (rule.status !== undefined && !(Array.isArray(rule.status) ? rule.status : [rule.status]).includes(status)) return false;
  if (rule.code !== undefined) {
    const codes = (Array.isArray(rule.code) ? rule.code : [rule.code]).map(String);
    if (!codes.includes(facts.code ?? '') && !codes.includes(facts.type ?? '')) return false;
  }
  if (rule.message !== undefined && !message.toLowerCase().includes(rule.message.toLowerCase())) return false;
  return true;
}

function detailOf(facts: ErrorFacts, endpoint: Endpoint): Record<string, string> {
  const detail: Record<string, string> = {};
  for (const name of ['limit_source', 'provider_name', 'error_type', 'reason']) {
    const value = facts.metadata[name];
    if (typeof value === 'string') detail[name] = redact(value, endpoint);
  }
  if (typeof facts.metadata.raw === 'string') detail.raw = redact(shorten(facts.metadata.raw), endpoint);
  if (facts.type) detail.type = facts.type;
  return detail;
}

function shorten(text: string, limit = 400): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** Providers sometimes echo what they were sent: no key (this endpoint's, or any other known one) reaches a message. */
export function redact(text: string, endpoint: Endpoint): string {
  return redactSecrets(text, endpoint.api_key);
}

export function originOf(endpoint: Endpoint): string {
  try {
    return new URL(endpoint.base_url).origin;
  } catch {
    return endpoint.provider;
  }
}
