// After a failure, two separate decisions, each made here only: try the same model again or move on
// (nextMove), and what the failure blocks for later requests (blockFor). Plus the cost alarm.
import type { Billing, HealthBlock, ResolvedModel, ResolvedProvider } from '../types.js';
import type { ProviderError } from '../errors.js';
import { nextUtcMidnight } from './time.js';

export type Move = { action: 'retry'; wait_ms: number } | { action: 'next' };

export interface MoveOptions {
  /** the longest Retry-After worth waiting for on this model; default 30 */
  max_wait_seconds?: number;
  /** random source in [0, 1) for the backoff jitter; injectable so tests are deterministic */
  random?: () => number;
}

const RATE_LIMIT_RETRIES = 2;
const HOUR_MS = 3_600_000;

/** `triesOnThisModel` counts the requests already sent to this model for this step, the failed one included. */
export function nextMove(error: ProviderError, triesOnThisModel: number, options: MoveOptions = {}): Move {
  const maxWaitSeconds = options.max_wait_seconds ?? 30;
  const random = options.random ?? Math.random;
  switch (error.kind) {
    case 'rate_limited':
      if (error.retry_after_s !== undefined) {
        return error.retry_after_s <= maxWaitSeconds && triesOnThisModel <= RATE_LIMIT_RETRIES
          ? { action: 'retry', wait_ms: Math.max(0, error.retry_after_s) * 1000 }
          : { action: 'next' };
      }
      return triesOnThisModel <= 1 ? { action: 'retry', wait_ms: backoffMs(triesOnThisModel, random) } : { action: 'next' };
    case 'overloaded':
    case 'timeout':
    case 'network':
    case 'bad_response':
      return triesOnThisModel <= 1 ? { action: 'retry', wait_ms: backoffMs(triesOnThisModel, random) } : { action: 'next' };
    default:
      // quota_exhausted, model_gone, auth, payment_required, bad_request, context_overflow: the same request
      // to the same model cannot succeed soon, so the next candidate gets it at once.
      return { action: 'next' };
  }
}

/** 0.5 s doubling per try, ±25 % jitter, kept within 0.5–8 s (as the OpenAI and Anthropic SDKs do). */
export function backoffMs(tries: number, random: () => number): number {
  const base = Math.min(8000, 500 * 2 ** Math.max(0, tries - 1));
  const jittered = base * (0.75 + 0.5 * random());
  return Math.round(Math.min(8000, Math.max(500, jittered)));
}

export function blockFor(
  error: ProviderError,
  /** `catalog`: the provider has a model list that `portai models sync` reads (a gone model then waits for it) */
  candidate: { provider: string; model: string; billing: Billing; catalog?: boolean },
  now_ms: number,
  run_id: string | null,
): HealthBlock | null {
  const block = (scope: HealthBlock['scope'], until_ms: number | null, reason: string, extra: Partial<HealthBlock> = {}): HealthBlock => ({
    provider: candidate.provider,
    model: scope === 'model' ? candidate.model : null,
    scope,
    kind: error.kind,
    reason,
    until_ms,
    ...extra,
  });
  const afterRetry = (fallback_ms: number) => (error.retry_after_s !== undefined ? now_ms + error.retry_after_s * 1000 : fallback_ms);
  switch (error.kind) {
    case 'model_gone':
      // learned once: blocked until the next catalog sync clears it (the sync itself says whether it came back);
      // a provider without a catalog has no sync, so a day
      return block('model', candidate.catalog ? null : now_ms + 24 * HOUR_MS, `${candidate.model} is gone: ${error.message}`);
    case 'quota_exhausted': {
      const scope = error.scope === 'model' || error.scope === 'free_pool' ? error.scope : 'provider';
      // a reset time already past (a clock skew, a stale header) must not lift the block at once
      const until = error.reset_at_ms !== undefined && error.reset_at_ms > now_ms ? error.reset_at_ms : afterRetry(nextUtcMidnight(now_ms));
      return block(scope, until, `quota exhausted: ${error.message}`);
    }
    case 'payment_required': {
      // a 402 may be fixed any minute by adding credits: block only this run (or an hour when there is no run)
      const source = error.detail.limit_source ? ` (${error.detail.limit_source})` : '';
      return block('provider', afterRetry(now_ms + HOUR_MS), `payment required${source}: ${error.message}`, { run_id });
    }
    case 'rate_limited': {
      if (error.scope !== 'provider' && error.scope !== 'model') return null;
      const until = error.retry_after_s !== undefined ? now_ms + error.retry_after_s * 1000 : error.reset_at_ms !== undefined && error.reset_at_ms > now_ms ? error.reset_at_ms : now_ms + 60_000;
      return block(error.scope, until, `rate limited: ${error.message}`);
    }
    case 'auth':
      // a bad key stays bad until the user changes it; an hour stops hammering it yet heals after a fix
      return block('provider', now_ms + HOUR_MS, `authentication failed: ${error.message}`);
    default:
      return null;
  }
}

/** A free or subscription model must never bill: a reported cost blocks that provider entry until cleared. */
export function costAlarm(provider: ResolvedProvider, model: ResolvedModel, reported_cost: number | undefined): HealthBlock | null {
  if (reported_cost === undefined || !(reported_cost > 0) || model.billing === 'metered') return null;
  return {
    provider: provider.name,
    model: null,
    scope: 'provider',
    kind: 'cost_alarm',
    reason: `${model.billing} model ${model.id} reported a cost of $${reported_cost}`,
    until_ms: null,
  };
}
