// UTC time helpers: daily limits and budgets reset at 00:00 UTC (OpenRouter's reset).

const DAY_MS = 86_400_000;

export function nextUtcMidnight(now_ms: number): number {
  return Math.floor(now_ms / DAY_MS) * DAY_MS + DAY_MS;
}

/** `2026-09-09 05:38:28 UTC` */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function waitUntil(ms: number): string {
  return `wait until ${formatUtc(ms)}`;
}
