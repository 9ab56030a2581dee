// Record how a reserved attempt ended, the same way for skills and for `portai serve`.
import type { Limits, ResolvedModel } from '../types.js';
import type { ProviderError } from '../errors.js';
import type { Ledger } from '../ledger/index.js';
import { listPriceUsd } from './endpoint.js';
import { creditsFor } from '../router/draw.js';

export interface AnswerUsage {
  input_tokens?: number;
  output_tokens?: number;
  /** what the provider reported (OpenRouter usage.cost) */
  cost_usd?: number;
  http_status: number;
}

/**
 * Records a successful attempt; returns the cost counted against budgets. `draw`: the provider's limits and when the
 * request was reserved, for the credits it drew (the rate of that instant: peak or not).
 */
export function finishAnswered(
  ledger: Ledger,
  attemptId: string,
  model: ResolvedModel,
  usage: AnswerUsage,
  promptTokens: number,
  duration_ms: number,
  now_ms: number,
  draw?: { limits: Limits; at_ms: number },
): number {
  const list = listPriceUsd(model, usage.input_tokens ?? promptTokens, usage.output_tokens ?? 0);
  // without reported output tokens the worst case stays counted: an unknown draw is never taken as small; a request
  // that ran into the peak hours is counted at the peak rate (which instant the provider prices is not published)
  const drawnAt = (at_ms: number) => (draw && usage.output_tokens !== undefined ? creditsFor(model, draw.limits, usage.input_tokens ?? promptTokens, usage.output_tokens, at_ms) : null);
  const atStart = draw ? drawnAt(draw.at_ms) : null;
  const atEnd = drawnAt(now_ms);
  const credits = atStart === null ? null : Math.max(atStart, atEnd ?? 0);
  // metered: never record less than the list price says, so a provider reporting 0 cannot loosen the budget;
  // free and subscription: what was reported (a non-zero figure there raises the cost alarm)
  const cost = model.billing === 'metered' ? Math.max(usage.cost_usd ?? 0, list ?? 0) : (usage.cost_usd ?? 0);
  ledger.finishAttempt(attemptId, {
    status: 'ok',
    http_status: usage.http_status,
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cost_usd: cost,
    list_usd: list ?? undefined,
    credits: credits ?? undefined,
    duration_ms,
    now_ms,
  });
  return cost;
}

export function finishFailed(ledger: Ledger, attemptId: string, error: ProviderError, duration_ms: number, now_ms: number): void {
  // A request refused with an HTTP error was not billed. One that failed after a 200 (mid-stream error, cut-off
  // body) or without an answer may have been: its cost stays unknown, so its reserved worst case keeps counting.
  // A request that never left this machine (DNS, refused, connect timeout, TLS) was neither seen nor billed: its
  // reservation is released, so it counts against no window and no budget.
  const refused = error.status !== undefined && error.status !== 200;
  ledger.finishAttempt(attemptId, {
    status: 'error',
    error_kind: error.kind,
    error_message: error.message,
    http_status: error.status,
    cost_usd: refused || !error.reached ? 0 : undefined,
    released: !error.reached,
    duration_ms,
    now_ms,
  });
}
