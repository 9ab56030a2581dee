// What an error means when no preset or family rule said: first the body's error type (Anthropic's
// overloaded_error, OpenAI's context_length_exceeded, …), then OpenRouter's error_type, then the HTTP status.
import type { Decision } from './map-error.js';
import type { ErrorFacts } from './error-body.js';
import { OPENROUTER_ERROR_TYPES } from './openrouter-error-types.js';

const BY_TYPE: Record<string, Decision> = {
  overloaded_error: { kind: 'overloaded', scope: 'model', reset: 'retry-after' },
  rate_limit_error: { kind: 'rate_limited', scope: 'provider', reset: 'retry-after' },
  authentication_error: { kind: 'auth', scope: 'provider', hint: 'check the API key set for this provider' },
  permission_error: { kind: 'auth', scope: 'provider', hint: 'this key may not use this model or endpoint' },
  invalid_api_key: { kind: 'auth', scope: 'provider', hint: 'check the API key set for this provider' },
  billing_error: { kind: 'payment_required', scope: 'provider' },
  insufficient_quota: { kind: 'payment_required', scope: 'provider', hint: 'the account has no credit left: this is a billing problem, not a rate limit' },
  context_length_exceeded: { kind: 'context_overflow', scope: 'none' },
  request_too_large: { kind: 'context_overflow', scope: 'none' },
};

const CONTEXT_WORDING = /maximum context length|context length|context_length|prompt is too long|context window|too many (input )?tokens/i;

const OPENROUTER_402_HINTS: Record<string, string> = {
  openrouter_credits: 'add OpenRouter credits: a negative balance fails even free models',
  openrouter_key_limit: "the key's own credit limit is spent: raise it at https://openrouter.ai/settings/keys or wait for it to reset",
  openrouter_in_flight_budget: 'too much paid work in flight for the balance: wait for running requests to finish',
};

export function statusDefault(status: number, facts: ErrorFacts, message: string, model?: string): Decision {
  // own keys only: a body saying "constructor" must not pick up Object.prototype
  const byType = ownValue(BY_TYPE, facts.code) ?? ownValue(BY_TYPE, facts.type);
  if (byType) return byType;
  const typed = status === 402 ? undefined : ownValue(OPENROUTER_ERROR_TYPES, facts.error_type);
  if (typed) return typed;
  if (status === 401 || status === 403) return { kind: 'auth', scope: 'provider', hint: 'check the API key set for this provider' };
  if (status === 402) return paymentRequired(facts);
  if (status === 404) {
    const gone = /no endpoints found/i.test(message) || (model !== undefined && message.includes(model));
    return gone ? { kind: 'model_gone', scope: 'model', hint: 'the model is no longer served: run `portai models sync`' } : { kind: 'bad_request', scope: 'none' };
  }
  if (status === 408) return { kind: 'timeout', scope: 'none' };
  if (status === 413 || (status === 400 && CONTEXT_WORDING.test(message))) return { kind: 'context_overflow', scope: 'none' };
  if (status === 429) return { kind: 'rate_limited', scope: 'provider', reset: 'retry-after' };
  if (status >= 500) return { kind: 'overloaded', scope: 'model', reset: 'retry-after' };
  return { kind: 'bad_request', scope: 'none' };
}

function ownValue(table: Readonly<Record<string, Decision>>, key: string | undefined): Decision | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

function paymentRequired(facts: ErrorFacts): Decision {
  const source = typeof facts.metadata.limit_source === 'string' ? facts.metadata.limit_source : '';
  // a passing hold: OpenRouter sends Retry-After and the same request may go once others settle
  if (source === 'openrouter_in_flight_budget') return { kind: 'payment_required', scope: 'none', retryable: true, reset: 'retry-after', hint: OPENROUTER_402_HINTS[source] };
  return { kind: 'payment_required', scope: 'provider', retryable: false, hint: OPENROUTER_402_HINTS[source] };
}
