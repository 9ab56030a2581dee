// Request, credit and list-price windows of the provider entry, counted with the model's weight and credit rate at
// this instant (peak hours draw more). A rolling window holds until its oldest counted request ages out, plus the
// rolling margin (the ledger counts over the same longer span; without that timestamp, a full window length); a
// calendar window holds until its next day, week or month begins in its time zone. Per-model caps hold back only
// their models.
import type { Guard, GuardContext } from './guard.js';
import { reject } from './guard.js';
import type { ProviderUsage, WindowLimit, WindowUsage } from '../../types.js';
import { listWorstUsd } from '../cost.js';
import { requestWeight, worstCredits } from '../draw.js';
import { rollingMarginMs } from '../rolling-margin.js';
import { nextUtcMidnight, waitUntil } from '../time.js';
import { windowFreesAt, windowLabel } from '../window-span.js';

interface Breach {
  reason: string;
  until_ms: number;
}

export const quotaGuard: Guard = (context) => {
  const breaches = findBreaches(context);
  if (breaches.length === 0) return null;
  // every breached limit must free up before the request fits
  const until = Math.max(...breaches.map((breach) => breach.until_ms));
  const reserve = reserveOf(context);
  const reason = breaches.map((breach) => breach.reason).join('; ');
  return reject(context, 'quota', reserve > 0 ? `eval reserve: ${reason} (${Math.round(reserve * 100)}% of each window is kept for ordinary runs)` : reason, waitUntil(until), until);
};

/** A deferred eval's request stops short of each limit by the reserve; an ordinary request has the whole limit. */
function reserveOf(context: GuardContext): number {
  const reserve = context.traits.reserve ?? 0;
  return reserve > 0 && reserve < 1 ? reserve : 0;
}

/** What the request may fill of a limit: all of it, or what the eval reserve leaves (rounded down at 6 decimals, so 10 × 0.7 is 7, not 7.000000000000001). */
function share(limit: number, reserve: number): number {
  return reserve === 0 ? limit : Math.floor(limit * (1 - reserve) * 1e6) / 1e6;
}

function findBreaches(context: GuardContext): Breach[] {
  const reserve = reserveOf(context);
  const full = context.provider.limits;
  const limits = reserve === 0 ? full : {
    ...full,
    requests_per_minute: full.requests_per_minute === undefined ? undefined : share(full.requests_per_minute, reserve),
    requests_per_day: full.requests_per_day === undefined ? undefined : share(full.requests_per_day, reserve),
    windows: full.windows?.map((window) => ({
      ...window,
      requests: window.requests === undefined ? undefined : share(window.requests, reserve),
      usd: window.usd === undefined ? undefined : share(window.usd, reserve),
      credits: window.credits === undefined ? undefined : share(window.credits, reserve),
    })),
  };
  const now = context.snapshot.now_ms;
  const usage = usageOf(context);
  const weight = requestWeight(context.model, limits, now);
  const margin = rollingMarginMs(limits);
  const breaches: Breach[] = [];
  if (limits.requests_per_minute !== undefined && usage.minute + weight > limits.requests_per_minute) {
    breaches.push({
      reason: `${usage.minute}/${limits.requests_per_minute} requests this minute${weightNote(weight)}`,
      until_ms: (usage.minute_oldest_ms ?? now) + 60_000 + margin,
    });
  }
  if (limits.requests_per_day !== undefined && usage.day + weight > limits.requests_per_day) {
    breaches.push({ reason: `${usage.day}/${limits.requests_per_day} requests today (UTC)${weightNote(weight)}`, until_ms: nextUtcMidnight(now) });
  }
  // Z.AI answers 1302 when too many requests of one key are in flight at once; a short wait frees a slot.
  if (limits.concurrency !== undefined && usage.in_flight >= limits.concurrency) {
    breaches.push({ reason: `${usage.in_flight}/${limits.concurrency} requests in flight`, until_ms: now + 5_000 });
  }
  (limits.windows ?? []).forEach((window, index) => {
    // a per-model cap holds back only its own models; the provider-wide windows still hold back every model
    if (window.models && !window.models.includes(context.model.id)) return;
    const counted = countedFor(usage, window, index);
    // read only for a full window: finding the oldest counted request costs the ledger more than the sums
    const untilOf = () => windowFreesAt(window, now, counted?.oldest_ms, margin);
    const label = windowLabel(window);
    const requests = counted?.requests ?? 0;
    if (window.requests !== undefined && requests + weight > window.requests) {
      breaches.push({ reason: `${round(requests)}/${window.requests} requests in the ${label} window${weightNote(weight)}`, until_ms: untilOf() });
    }
    // An unknown price adds nothing here: the window is a plan's allowance, not money; a full window still blocks.
    const spent = counted?.usd ?? 0;
    const worst = listWorstUsd(context.traits, context.model);
    if (window.usd !== undefined && (spent + (worst ?? 0) > window.usd || spent >= window.usd)) {
      const request = worst === null ? 'price unknown' : `up to $${worst.toFixed(4)}`;
      breaches.push({ reason: `$${spent.toFixed(2)} used + ${request} > $${window.usd} (list price) in the ${label} window`, until_ms: untilOf() });
    }
    // Credits as USD: the worst case at this instant's rate (peak or not); an unknown rate adds nothing, a full window blocks.
    const drawn = counted?.credits ?? 0;
    const credits = worstCredits(context.traits, context.model, limits, now);
    if (window.credits !== undefined && (drawn + (credits ?? 0) > window.credits || drawn >= window.credits)) {
      const request = credits === null ? 'credit rate unknown' : `up to ${round(credits)}`;
      breaches.push({ reason: `${round(drawn)} credits used + ${request} > ${window.credits} in the ${label} window`, until_ms: untilOf() });
    }
  });
  return breaches;
}

function usageOf(context: GuardContext): ProviderUsage {
  const usage = context.snapshot.providers[context.provider.name];
  return usage ?? { provider: context.provider.name, minute: 0, day: 0, windows: [], usd_today: 0, in_flight: 0 };
}

/** The ledger's count for this window: same position; a snapshot from an older shape is matched by its hours. */
function countedFor(usage: ProviderUsage, window: WindowLimit, index: number): WindowUsage | undefined {
  const entry = usage.windows[index];
  if (entry && (window.calendar || entry.hours === undefined || entry.hours === window.hours)) return entry;
  return window.calendar ? undefined : usage.windows.find((candidate) => candidate.hours === window.hours);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function weightNote(weight: number): string {
  return weight === 1 ? '' : ` (this model counts ${weight}×)`;
}
