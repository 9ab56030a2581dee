// The ledger counts a request when it is reserved; the provider counts it when it arrives, some milliseconds later
// (connection set-up, a busy event loop, the network). A rolling window that reopens the instant the ledger's oldest
// request leaves it lets a burst reach the provider while the provider still counts that request: a server-side
// 429 (OpenRouter's free-models-per-min). So every rolling window is counted, and unblocks, this margin longer.
import type { Limits } from '../types.js';

export const DEFAULT_MARGIN_SECONDS = 1;

export function rollingMarginMs(limits: Limits): number {
  return (limits.margin_seconds ?? DEFAULT_MARGIN_SECONDS) * 1000;
}
