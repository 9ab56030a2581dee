// What the client hears when no candidate answered: the guards' reasons (nothing was sent) or the upstream failures.
import type { Plan, Rejection } from '../types.js';
import type { ProviderError } from '../errors.js';
import { ClientError, type ClientFormat } from './client-error.js';

const MAX_REASONS = 6;

/**
 * Nothing was sent. 429 with retry-after as soon as one candidate only waits on a window with a known end (a quota
 * guard, or a health block that lifts by itself), even when the others are refused for good (the metered fallback
 * at a $0 budget): Claude Code retries a 429 but shows a 403 as "Failed to authenticate" and stops. 403
 * permission_error only when no candidate could ever serve: budget, privacy, a cost alarm, a gone model.
 */
export function blockedError(model: string, plan: Plan, rejections: Rejection[], _format: ClientFormat, now_ms: number): ClientError {
  if (rejections.length === 0) {
    const why = plan.candidates.length === 0 ? `no route rule gives candidates (rule: ${plan.rule_text || 'none'})` : 'no candidate speaks this API';
    return new ClientError(403, 'permission_error', `portai: nothing may serve '${model}': ${why}`);
  }
  const reasons = unique(rejections.map((rejection) => `${rejection.ref} — ${rejection.guard}: ${rejection.reason}${rejection.unblock ? ` (unblock: ${rejection.unblock})` : ''}`));
  const shown = reasons.slice(0, MAX_REASONS).join('; ') + (reasons.length > MAX_REASONS ? `; and ${reasons.length - MAX_REASONS} more` : '');
  const waiting = rejections.filter((rejection) => (rejection.guard === 'quota' || rejection.guard === 'health') && typeof rejection.until_ms === 'number');
  if (waiting.length > 0) {
    const until = Math.min(...waiting.map((rejection) => rejection.until_ms as number));
    const seconds = Math.max(1, Math.ceil((until - now_ms) / 1000));
    const what = waiting.length === rejections.length ? 'is at its request limit' : `has no usable route until one frees in ${seconds} s`;
    return new ClientError(429, 'rate_limit_error', `portai: every route for '${model}' ${what}: ${shown}`, seconds);
  }
  return new ClientError(403, 'permission_error', `portai refused '${model}': ${shown}`);
}

/** Requests were sent and all failed: the last failure decides the status, every failure is listed. */
export function failedError(model: string, failures: ProviderError[], now_ms: number): ClientError {
  const last = failures[failures.length - 1];
  const lines = unique(failures.map((failure) => `${failure.provider}: ${failure.kind} — ${failure.message}`)).slice(-MAX_REASONS).join('; ');
  const message = `portai: every route for '${model}' failed: ${lines}`;
  if (!last) return new ClientError(502, 'api_error', message);
  if (last.kind === 'rate_limited' && last.retry_after_s !== undefined) return new ClientError(429, 'rate_limit_error', message, Math.max(1, Math.ceil(last.retry_after_s)));
  // an exhausted quota is a real window too (OpenRouter's daily free cap, Z.AI's 5 hours): say when it resets
  if (last.kind === 'quota_exhausted' && last.reset_at_ms !== undefined) return new ClientError(429, 'rate_limit_error', message, Math.max(1, Math.ceil((last.reset_at_ms - now_ms) / 1000)));
  if (last.kind === 'overloaded') return new ClientError(529, 'overloaded_error', message);
  if (last.kind === 'context_overflow' || last.kind === 'bad_request') return new ClientError(400, 'invalid_request_error', message);
  return new ClientError(502, 'api_error', message);
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}
