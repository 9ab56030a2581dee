// Each provider window over time, with a straight-line burn-rate forecast: when will it run out, and is that before
// it resets? The current numbers are usage-report's own (what `portai usage --json` prints); the history behind the
// chart, the burn rate and the reset time come from the ledger's running usage counters (usage-counters.ts), without
// the held requests a snapshot also counts. None of it reads the attempts one by one: a refresh costs the same with
// 100 or 100,000 attempts recorded.
import type { Config, WindowLimit } from '../types.js';
import { calendarNext, calendarStart, windowLabel } from '../router/window-span.js';
import { providerWindows } from '../runner/endpoint.js';
import type { Ledger, UsageBucket } from '../ledger/index.js';
import { usageReport, type LimitLine } from './usage-report.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** below this share left, a window is flagged */
export const LOW_SHARE = 0.2;
/** the burn rate is read over at most the last hour */
const RATE_LOOKBACK_MS = HOUR_MS;
const SAMPLES = 60;
/** the counters' bucket sizes (usage-counters.ts BUCKET_SIZES), coarsest first */
const BUCKET_SIZES = [HOUR_MS, MINUTE_MS, 1_000];

export interface QuotaWindow {
  provider: string;
  window: string;
  unit: LimitLine['unit'];
  limit: number;
  used: number;
  remaining: number;
  /** remaining / limit */
  left_share: number;
  /** per hour, over the last hour (or the window, if shorter) */
  burn_per_hour: number;
  /** at the current burn rate; null when nothing is burning */
  exhausted_utc: string | null;
  /** the UTC day: next 00:00 UTC; a rolling window: when its oldest counted request leaves it; null if none counts */
  reset_utc: string | null;
  /** under 20% left */
  low: boolean;
  /** at the current burn rate (or already) used up before the window resets */
  runs_out_before_reset: boolean;
  /** the two above in words, for scripts; null when neither */
  warning: string | null;
  /**
   * epoch seconds and used, for the chart; the last point is `used`. Each earlier point t counts the window that ends
   * just before t (requests started before t), t on the grid of the counters' buckets the chart is drawn at.
   */
  series: { t: number[]; used: number[] };
}

type Span = { rolling_ms: number; models?: string[]; index?: number } | { calendar: WindowLimit; models?: string[] };
const UTC_DAY: WindowLimit = { calendar: 'day', timezone: 'UTC' };

/**
 * `day (UTC)` is the calendar day and `minute` rolling; the provider's own windows are found by the label
 * usage-report.ts gives them (windowLabel): rolling hours or a calendar day/week/month, per-model or not.
 */
function spanOf(label: string, windows: WindowLimit[]): Span {
  if (label === 'day (UTC)') return { calendar: UTC_DAY };
  if (label === 'minute') return { rolling_ms: MINUTE_MS };
  const index = windows.findIndex((candidate) => windowLabel(candidate) === label);
  if (index < 0) return { calendar: UTC_DAY };
  const window = windows[index];
  const models = window.models ? { models: window.models } : {};
  return window.calendar ? { calendar: window, ...models } : { rolling_ms: (window.hours ?? 0) * HOUR_MS, index, ...models };
}

/** A USD window counts list price; the UTC day's USD limit counts what was billed (as attempts.ts counts them). */
function amountOf(sums: Pick<UsageBucket, 'weight' | 'spent_usd' | 'list_usd' | 'credits'>, line: LimitLine): number {
  if (line.unit === 'requests') return sums.weight;
  if (line.unit === 'credits') return sums.credits;
  return line.window === 'day (UTC)' ? sums.spent_usd : sums.list_usd;
}

export function quotaReport(config: Config, ledger: Ledger, env: Record<string, string | undefined>, now: number): QuotaWindow[] {
  const snapshot = ledger.usage(providerWindows(config, now), now);
  const report = usageReport(config, ledger, env, now, snapshot);
  const windows: QuotaWindow[] = [];
  for (const provider of report) {
    const limits = config.providers[provider.provider]?.limits.windows ?? [];
    const usage = snapshot.providers[provider.provider];
    for (const line of provider.limits) {
      const span = spanOf(line.window, limits);
      // a rolling window's oldest counted request, as the ledger finds it from the counters for the quota guard
      const oldest = 'calendar' in span ? undefined : span.index === undefined ? usage?.minute_oldest_ms : usage?.windows[span.index]?.oldest_ms;
      windows.push(forecast(ledger, provider.provider, line, span, oldest, now));
    }
  }
  return windows;
}

/**
 * The bucket size a chart is drawn at: the coarsest that is no wider than the step between two points and on whose
 * grid the window's edges fall (a rolling window's length, a calendar window's start: a time zone 30 minutes off UTC
 * starts its day on the half hour). Then every point, placed on that grid, is an exact sum of whole buckets.
 */
function bucketSize(step: number, aligned: number): number {
  return BUCKET_SIZES.find((size) => size <= step && aligned % size === 0) ?? 1_000;
}

/**
 * The chart from whole counter buckets: the calendar span so far, or twice a rolling window (so a window that
 * emptied still shows what it held). Point i is at the grid time g at or before the i-th of 60 even steps, and its
 * value is exactly what the window ending at g held: requests started in [g - window, g), or [calendar start, g).
 * A 168-hour window is drawn from hour buckets (a point every 5.6 h), a 5-hour one or the UTC day from minute
 * buckets, the minute window from second buckets: at most a few thousand bucket rows, whatever the attempts count.
 */
function chart(ledger: Ledger, provider: string, line: LimitLine, span: Span, now: number): { t: number[]; used: number[] } {
  const calendar = 'calendar' in span;
  const chartFrom = calendar ? calendarStart(span.calendar, now) : now - 2 * span.rolling_ms;
  const length = calendar ? 0 : span.rolling_ms;
  const size = bucketSize((now - chartFrom) / SAMPLES, calendar ? chartFrom : length);
  const grid = (at: number) => Math.floor(at / size) * size;
  const points = Array.from({ length: SAMPLES }, (_, index) => grid(chartFrom + ((now - chartFrom) * index) / SAMPLES));
  const from = calendar ? chartFrom : points[0] - length;
  const to = points[SAMPLES - 1];
  // prefix sums over the dense bucket grid from `from`: sums[k] = what the buckets before from + k·size hold
  const sums = new Float64Array(Math.max(0, Math.round((to - from) / size)) + 1);
  for (const bucket of ledger.usageBuckets(provider, span.models, size, from, to)) sums[Math.round((bucket.bucket_ms - from) / size) + 1] += amountOf(bucket, line);
  for (let index = 1; index < sums.length; index++) sums[index] += sums[index - 1];
  const before = (at: number) => sums[Math.max(0, Math.min(sums.length - 1, Math.round((at - from) / size)))];
  const t = points.map((at) => Math.round(at / 1000));
  const used = points.map((at) => round(before(at) - (calendar ? before(chartFrom) : before(at - length))));
  t.push(Math.round(now / 1000));
  used.push(line.used);
  return { t, used };
}

function forecast(ledger: Ledger, provider: string, line: LimitLine, span: Span, oldest: number | undefined, now: number): QuotaWindow {
  const series = chart(ledger, provider, line, span, now);
  // the burn rate over the last hour (or the window, if shorter), summed exactly by the counters: whole seconds,
  // tenths, seconds, minutes and hours, and the attempts of the one partial tenth at its edge
  const lookback = Math.min(RATE_LOOKBACK_MS, 'calendar' in span ? Math.max(now - calendarStart(span.calendar, now), MINUTE_MS) : span.rolling_ms);
  const recent = ledger.usageAfter(provider, span.models, now - lookback);
  const burnPerMs = amountOf({ weight: recent.requests, spent_usd: recent.spend_usd, list_usd: recent.list_usd, credits: recent.credits }, line) / lookback;
  const exhausted = line.remaining <= 0 ? now : burnPerMs > 0 ? now + line.remaining / burnPerMs : null;
  // a rolling window resets when its oldest counted request (in any of its units) leaves it
  const reset = 'calendar' in span ? calendarNext(span.calendar, now) : oldest === undefined ? null : oldest + span.rolling_ms;
  const share = line.limit > 0 ? line.remaining / line.limit : 0;
  const low = share < LOW_SHARE;
  const runsOut = exhausted !== null && reset !== null && exhausted < reset;
  const warnings: string[] = [];
  if (low) warnings.push(`${Math.round(share * 100)}% left`);
  if (exhausted !== null && reset !== null && runsOut) {
    warnings.push(line.remaining <= 0 ? `used up until ${minuteUtc(reset)}` : `at this rate it runs out at ${minuteUtc(exhausted)}, before it resets at ${minuteUtc(reset)}`);
  }
  return {
    provider,
    window: line.window,
    unit: line.unit,
    limit: line.limit,
    used: line.used,
    remaining: line.remaining,
    left_share: round(share),
    burn_per_hour: round(burnPerMs * HOUR_MS),
    exhausted_utc: exhausted === null ? null : new Date(exhausted).toISOString(),
    reset_utc: reset === null ? null : new Date(reset).toISOString(),
    low,
    runs_out_before_reset: runsOut,
    warning: warnings.length > 0 ? warnings.join('; ') : null,
    series,
  };
}

function minuteUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
