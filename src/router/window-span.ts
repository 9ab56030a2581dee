// Where a limit window starts and when it frees up. Rolling windows count the last N hours (plus the rolling margin)
// and free up when their oldest counted request ages out; calendar windows count since 00:00 of the current day,
// week (Monday) or month in their time zone and free up all at once at the next one.
import type { WindowLimit } from '../types.js';
import { zonedParts, zonedToEpoch } from './zoned-time.js';

const HOUR_MS = 3_600_000;

/** The first instant counted in the window (inclusive), epoch ms. */
export function windowSince(window: WindowLimit, now_ms: number, margin_ms: number): number {
  if (window.calendar) return calendarStart(window, now_ms);
  // a request sent exactly one window length (plus margin) ago has left it
  return now_ms - (window.hours ?? 0) * HOUR_MS - margin_ms + 1;
}

/** When a full window lets a request through again; `oldest_ms` is the oldest request it counts (rolling windows). */
export function windowFreesAt(window: WindowLimit, now_ms: number, oldest_ms: number | undefined, margin_ms: number): number {
  if (window.calendar) return calendarNext(window, now_ms);
  return (oldest_ms ?? now_ms) + (window.hours ?? 0) * HOUR_MS + margin_ms;
}

/** "5 h", "calendar week (UTC)", "calendar month from day 12 (Asia/Shanghai)", with "glm-5.1" for a per-model cap */
export function windowLabel(window: WindowLimit): string {
  const span = window.calendar
    ? `calendar ${window.calendar}${window.calendar === 'month' && (window.month_day ?? 1) !== 1 ? ` from day ${window.month_day}` : ''} (${window.timezone ?? 'UTC'})`
    : `${window.hours} h`;
  return window.models ? `${span}, ${window.models.join(', ')}` : span;
}

export function calendarStart(window: WindowLimit, now_ms: number): number {
  const zone = window.timezone ?? 'UTC';
  const local = zonedParts(now_ms, zone);
  if (window.calendar === 'day') return zonedToEpoch(local.year, local.month, local.day, 0, 0, zone);
  if (window.calendar === 'week') return zonedToEpoch(local.year, local.month, local.day - local.weekday, 0, 0, zone);
  const day = window.month_day ?? 1;
  const month = local.day >= day ? local.month : local.month - 1;
  return zonedToEpoch(local.year, month, day, 0, 0, zone);
}

export function calendarNext(window: WindowLimit, now_ms: number): number {
  const zone = window.timezone ?? 'UTC';
  const start = zonedParts(calendarStart(window, now_ms), zone);
  if (window.calendar === 'day') return zonedToEpoch(start.year, start.month, start.day + 1, 0, 0, zone);
  if (window.calendar === 'week') return zonedToEpoch(start.year, start.month, start.day + 7, 0, 0, zone);
  return zonedToEpoch(start.year, start.month + 1, start.day, 0, 0, zone);
}
