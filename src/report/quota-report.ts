// Each provider window over time, with a straight-line burn-rate forecast: when will it run out, and is that before
// it resets? The current numbers are usage-report's own (what `portai usage --json` prints); the history behind the
// chart is re-read from the attempts, without the held requests a snapshot also counts.
import type { Config, WindowLimit } from '../types.js';
import { calendarNext, calendarStart, windowLabel } from '../router/window-span.js';
import type { Ledger, UsageFact } from '../ledger/index.js';
import { startOfUtcDay } from '../ledger/index.js';
import { usageReport, type LimitLine } from './usage-report.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** below this share left, a window is flagged */
export const LOW_SHARE = 0.2;
/** the burn rate is read over at most the last hour */
const RATE_LOOKBACK_MS = HOUR_MS;
const SAMPLES = 60;

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
  /** epoch seconds and used, for the chart; the last point is `used` */
  series: { t: number[]; used: number[] };
}

type Span = { rolling_ms: number; models?: string[] } | { calendar: WindowLimit };
const UTC_DAY: WindowLimit = { calendar: 'day', timezone: 'UTC' };

/**
 * `day (UTC)` is the calendar day and `minute` rolling; the provider's own windows are found by the label
 * usage-report.ts gives them (windowLabel): rolling hours or a calendar day/week/month, per-model or not.
 */
function spanOf(label: string, windows: WindowLimit[]): Span {
  if (label === 'day (UTC)') return { calendar: UTC_DAY };
  if (label === 'minute') return { rolling_ms: MINUTE_MS };
  const window = windows.find((candidate) => windowLabel(candidate) === label);
  if (!window) return { calendar: UTC_DAY };
  const models = window.models ? { models: window.models } : {};
  return window.calendar ? { calendar: window } : { rolling_ms: (window.hours ?? 0) * HOUR_MS, ...models };
}

/** A USD window counts list price; the UTC day's USD limit counts what was billed (as attempts.ts counts them). */
function amountOf(fact: UsageFact, line: LimitLine, span: Span): number {
  if ('models' in span && span.models && !span.models.includes(fact.model)) return 0;
  if (line.unit === 'requests') return fact.weight;
  if (line.unit === 'credits') return fact.credits;
  return line.window === 'day (UTC)' ? fact.spent_usd : fact.list_usd;
}

/** How far back a window can reach: a rolling window twice over (for the chart), a calendar one its longest span. */
function reachOf(window: WindowLimit): number {
  if (!window.calendar) return 2 * (window.hours ?? 0) * HOUR_MS;
  return window.calendar === 'day' ? DAY_MS : window.calendar === 'week' ? 7 * DAY_MS : 31 * DAY_MS;
}

export function quotaReport(config: Config, ledger: Ledger, env: Record<string, string | undefined>, now: number): QuotaWindow[] {
  const report = usageReport(config, ledger, env, now);
  const windows: QuotaWindow[] = [];
  for (const provider of report) {
    const limits = config.providers[provider.provider]?.limits.windows ?? [];
    const longest = Math.max(DAY_MS, ...limits.map(reachOf));
    const facts = ledger.usageFactsSince(provider.provider, Math.min(startOfUtcDay(now), now - longest));
    for (const line of provider.limits) windows.push(forecast(provider.provider, line, spanOf(line.window, limits), facts, now));
  }
  return windows;
}

/** Sums over time spans of facts sorted by time: prefix sums and binary search, so a chart costs O(n + samples·log n). */
class Timeline {
  private readonly times: number[];
  private readonly sums: number[];

  constructor(
    private readonly facts: UsageFact[],
    private readonly amounts: number[],
  ) {
    this.times = facts.map((fact) => fact.started_ms);
    this.sums = [0];
    for (const amount of amounts) this.sums.push(this.sums[this.sums.length - 1] + amount);
  }

  /** how many facts have started_ms <= t (inclusive) or < t */
  private count(t: number, inclusive: boolean): number {
    let low = 0;
    let high = this.times.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (inclusive ? this.times[middle] <= t : this.times[middle] < t) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** sum over from < started_ms <= to (or from <= started_ms with fromInclusive) */
  sum(from: number, to: number, fromInclusive = false): number {
    return this.sums[this.count(to, true)] - this.sums[this.count(from, !fromInclusive)];
  }

  /** the first fact after `after` with a non-zero amount */
  firstAfter(after: number, to: number): number | undefined {
    for (let index = this.count(after, true); index < this.times.length && this.times[index] <= to; index++) if (this.amounts[index] > 0) return this.facts[index].started_ms;
    return undefined;
  }
}

function forecast(provider: string, line: LimitLine, span: Span, facts: UsageFact[], now: number): QuotaWindow {
  const timeline = new Timeline(facts, facts.map((fact) => amountOf(fact, line, span)));
  const usedAt = (t: number) => ('calendar' in span ? timeline.sum(calendarStart(span.calendar, t), t, true) : timeline.sum(t - span.rolling_ms, t));
  // the chart: the calendar span so far, or twice a rolling window (so a window that emptied still shows what it held)
  const chartFrom = 'calendar' in span ? calendarStart(span.calendar, now) : now - 2 * span.rolling_ms;
  const t: number[] = [];
  const used: number[] = [];
  for (let index = 0; index < SAMPLES; index++) {
    const at = chartFrom + ((now - chartFrom) * index) / SAMPLES;
    t.push(Math.round(at / 1000));
    used.push(round(usedAt(at)));
  }
  t.push(Math.round(now / 1000));
  used.push(line.used);

  const lookback = Math.min(RATE_LOOKBACK_MS, 'calendar' in span ? Math.max(now - calendarStart(span.calendar, now), MINUTE_MS) : span.rolling_ms);
  const burnPerMs = timeline.sum(now - lookback, now) / lookback;
  const exhausted = line.remaining <= 0 ? now : burnPerMs > 0 ? now + line.remaining / burnPerMs : null;
  let reset: number | null;
  if ('calendar' in span) reset = calendarNext(span.calendar, now);
  else {
    const oldest = timeline.firstAfter(now - span.rolling_ms, now);
    reset = oldest === undefined ? null : oldest + span.rolling_ms;
  }
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
    series: { t, used },
  };
}

function minuteUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
