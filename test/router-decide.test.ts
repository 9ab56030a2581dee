// Retry versus fallback (nextMove), what a failure blocks (blockFor), and the cost alarm.
import { describe, expect, it } from 'vitest';
import { nextMove, blockFor, costAlarm, backoffMs } from '../src/router/index.js';
import { ProviderError, type ProviderErrorInit } from '../src/errors.js';
import { model, provider, NOON_MS, NEXT_MIDNIGHT_MS } from './router-helpers.js';

const error = (init: Partial<ProviderErrorInit> & Pick<ProviderErrorInit, 'kind'>) => new ProviderError({ message: 'boom', provider: 'openrouter', ...init });
const options = { max_wait_seconds: 30, random: () => 0.5 };
const candidate = { provider: 'openrouter', model: 'a:free', billing: 'free' as const };

describe('nextMove', () => {
  it('rate_limited with Retry-After within max wait: retries after it, at most twice', () => {
    const limited = error({ kind: 'rate_limited', retry_after_s: 12 });
    expect(nextMove(limited, 1, options)).toEqual({ action: 'retry', wait_ms: 12_000 });
    expect(nextMove(limited, 2, options)).toEqual({ action: 'retry', wait_ms: 12_000 });
    expect(nextMove(limited, 3, options)).toEqual({ action: 'next' });
  });
  it('rate_limited with Retry-After beyond max wait moves on at once; max wait defaults to 30 s', () => {
    expect(nextMove(error({ kind: 'rate_limited', retry_after_s: 31 }), 1, options)).toEqual({ action: 'next' });
    expect(nextMove(error({ kind: 'rate_limited', retry_after_s: 30 }), 1, {})).toEqual({ action: 'retry', wait_ms: 30_000 });
    expect(nextMove(error({ kind: 'rate_limited', retry_after_s: 31 }), 1, {})).toEqual({ action: 'next' });
    expect(nextMove(error({ kind: 'rate_limited', retry_after_s: 50 }), 1, { max_wait_seconds: 60 })).toEqual({ action: 'retry', wait_ms: 50_000 });
  });
  it('rate_limited without Retry-After: one backed-off retry, then next', () => {
    expect(nextMove(error({ kind: 'rate_limited' }), 1, options)).toEqual({ action: 'retry', wait_ms: 500 });
    expect(nextMove(error({ kind: 'rate_limited' }), 2, options)).toEqual({ action: 'next' });
  });
  it.each(['quota_exhausted', 'model_gone', 'auth', 'payment_required', 'bad_request', 'context_overflow'] as const)('%s moves to the next candidate at once', (kind) => {
    expect(nextMove(error({ kind, retry_after_s: 1 }), 1, options)).toEqual({ action: 'next' });
  });
  it.each(['overloaded', 'timeout', 'network', 'bad_response'] as const)('%s gets one backed-off retry, then next', (kind) => {
    const move = nextMove(error({ kind, status: 503 }), 1, options);
    expect(move.action).toBe('retry');
    expect(nextMove(error({ kind }), 2, options)).toEqual({ action: 'next' });
  });
  it('backoff stays within 0.5–8 s and uses the injected random source', () => {
    for (let tries = 1; tries <= 10; tries++) {
      for (const value of [0, 0.3, 0.999]) {
        const wait = backoffMs(tries, () => value);
        expect(wait).toBeGreaterThanOrEqual(500);
        expect(wait).toBeLessThanOrEqual(8000);
      }
    }
    expect(backoffMs(3, () => 0)).not.toBe(backoffMs(3, () => 0.999));
    expect(backoffMs(3, () => 0.5)).toBe(2000);
  });
});

describe('blockFor', () => {
  it('model_gone blocks that model for 24 h', () => {
    expect(blockFor(error({ kind: 'model_gone' }), candidate, NOON_MS, 'run1')).toMatchObject({ scope: 'model', model: 'a:free', until_ms: NOON_MS + 86_400_000 });
  });
  it('quota_exhausted takes the scope from the error and ends at reset_at, else Retry-After, else 00:00 UTC', () => {
    const reset = NOON_MS + 5_000_000;
    expect(blockFor(error({ kind: 'quota_exhausted', scope: 'free_pool', reset_at_ms: reset }), candidate, NOON_MS, null)).toMatchObject({ scope: 'free_pool', model: null, until_ms: reset });
    expect(blockFor(error({ kind: 'quota_exhausted', scope: 'model', retry_after_s: 100 }), candidate, NOON_MS, null)).toMatchObject({ scope: 'model', model: 'a:free', until_ms: NOON_MS + 100_000 });
    expect(blockFor(error({ kind: 'quota_exhausted', scope: 'provider' }), candidate, NOON_MS, null)).toMatchObject({ scope: 'provider', until_ms: NEXT_MIDNIGHT_MS });
    expect(blockFor(error({ kind: 'quota_exhausted' }), candidate, NOON_MS, null)?.scope).toBe('provider');
    // a reset time already in the past (stale header, clock skew) falls back to the next 00:00 UTC
    expect(blockFor(error({ kind: 'quota_exhausted', scope: 'free_pool', reset_at_ms: NOON_MS - 1000 }), candidate, NOON_MS, null)?.until_ms).toBe(NEXT_MIDNIGHT_MS);
  });
  it('payment_required blocks the provider for this run only and names the limit source', () => {
    const block = blockFor(error({ kind: 'payment_required', detail: { limit_source: 'openrouter_credits' } }), candidate, NOON_MS, 'run-7');
    expect(block).toMatchObject({ scope: 'provider', run_id: 'run-7', kind: 'payment_required' });
    expect(block?.reason).toContain('openrouter_credits');
    expect(block?.until_ms).toBeGreaterThan(NOON_MS);
  });
  it('OpenRouter per-minute (provider scope) pauses the provider for Retry-After or 60 s', () => {
    expect(blockFor(error({ kind: 'rate_limited', scope: 'provider', retry_after_s: 7 }), candidate, NOON_MS, null)).toMatchObject({ scope: 'provider', until_ms: NOON_MS + 7000 });
    expect(blockFor(error({ kind: 'rate_limited', scope: 'provider' }), candidate, NOON_MS, null)).toMatchObject({ scope: 'provider', until_ms: NOON_MS + 60_000 });
  });
  it('an upstream 429 (model scope) blocks that model only; an unscoped rate limit blocks nothing', () => {
    expect(blockFor(error({ kind: 'rate_limited', scope: 'model' }), candidate, NOON_MS, null)).toMatchObject({ scope: 'model', model: 'a:free', until_ms: NOON_MS + 60_000 });
    expect(blockFor(error({ kind: 'rate_limited' }), candidate, NOON_MS, null)).toBeNull();
  });
  it('auth blocks the provider for an hour; transient and request errors block nothing', () => {
    expect(blockFor(error({ kind: 'auth' }), candidate, NOON_MS, null)).toMatchObject({ scope: 'provider', until_ms: NOON_MS + 3_600_000 });
    for (const kind of ['overloaded', 'timeout', 'network', 'bad_response', 'bad_request', 'context_overflow'] as const) {
      expect(blockFor(error({ kind }), candidate, NOON_MS, null)).toBeNull();
    }
  });
});

describe('costAlarm', () => {
  const entry = provider('openrouter', []);
  it('a non-zero cost on a free or subscription model blocks the provider until cleared', () => {
    expect(costAlarm(entry, model('a:free'), 0.0004)).toMatchObject({ provider: 'openrouter', scope: 'provider', kind: 'cost_alarm', until_ms: null });
    expect(costAlarm(entry, model('plan', {}, 'subscription'), 1)?.kind).toBe('cost_alarm');
  });
  it('zero, unreported, or metered costs raise no alarm', () => {
    expect(costAlarm(entry, model('a:free'), 0)).toBeNull();
    expect(costAlarm(entry, model('a:free'), undefined)).toBeNull();
    expect(costAlarm(entry, model('paid', {}, 'metered'), 0.5)).toBeNull();
  });
});
