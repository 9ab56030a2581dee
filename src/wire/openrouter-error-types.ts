// OpenRouter's typed errors: `error_type`, "canonical OpenRouter error type, stable across all API formats"
// (https://openrouter.ai/docs/client-sdks/typescript/models/apierrortype.md, schema ApiErrorType in
// ../shared/reference/openrouter-openapi.yaml; checked 2026-12-02). It sits in error.metadata.error_type (chat
// completions) or error.error_type (the Anthropic format). Read after the message rules (which tell OpenRouter's
// three 429s apart) and before the bare status, which says less: a 403 for flagged input is not a bad key.
// payment_required is left to the 402 reading (limit_source); unmapped and unknown values fall through.
import type { Decision } from './map-error.js';

export const OPENROUTER_ERROR_TYPES: Readonly<Record<string, Decision>> = {
  context_length_exceeded: { kind: 'context_overflow', scope: 'none' },
  token_limit_exceeded: { kind: 'context_overflow', scope: 'none' },
  string_too_long: { kind: 'bad_request', scope: 'none' },
  authentication: { kind: 'auth', scope: 'provider', hint: 'check the API key set for this provider' },
  permission_denied: { kind: 'auth', scope: 'provider', hint: 'this key may not use this model or endpoint' },
  rate_limit_exceeded: { kind: 'rate_limited', scope: 'provider', reset: 'x-ratelimit-reset' },
  provider_overloaded: { kind: 'overloaded', scope: 'model', reset: 'retry-after' },
  provider_unavailable: { kind: 'overloaded', scope: 'model', reset: 'retry-after' },
  invalid_request: { kind: 'bad_request', scope: 'none' },
  invalid_prompt: { kind: 'bad_request', scope: 'none' },
  payload_too_large: { kind: 'context_overflow', scope: 'none' },
  unprocessable: { kind: 'bad_request', scope: 'none' },
  content_policy_violation: { kind: 'bad_request', scope: 'model', hint: 'the input was flagged by the moderation this model requires; another model may accept it' },
  refusal: { kind: 'bad_request', scope: 'model' },
  server: { kind: 'overloaded', scope: 'model', reset: 'retry-after' },
  timeout: { kind: 'timeout', scope: 'none' },
};
