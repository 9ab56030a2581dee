// When may we try again? Retry-After headers (ms first, as the OpenAI and Anthropic SDKs do),
// X-RateLimit-Reset (epoch ms, in a header or inside OpenRouter's error.metadata.headers),
// Z.AI's "reset at <Beijing time>" inside the message, OpenCode Go's "reset in 5 days 10 hours", or the next UTC midnight.
import type { ResetSource } from '../types.js';
import { isObject } from './error-body.js';

export interface ResetInputs {
  headers: Record<string, string>;
  metadata: Record<string, unknown>;
  message: string;
  now_ms: number;
}

/** Seconds to wait from Retry-After-ms, Retry-After (seconds or an HTTP date) or OpenRouter's metadata. */
export function retryAfterSeconds(inputs: ResetInputs): number | undefined {
  const all = { ...metadataHeaders(inputs.metadata), ...inputs.headers };
  const milliseconds = Number(all['retry-after-ms']);
  if (all['retry-after-ms'] !== undefined && Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds / 1000;
  const value = all['retry-after'];
  if (value !== undefined) {
    const seconds = Number(value);
    if (value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds;
    const date = Date.parse(value);
    if (Number.isFinite(date)) return Math.max(0, (date - inputs.now_ms) / 1000);
  }
  const fromMetadata = inputs.metadata.retry_after_seconds;
  if (typeof fromMetadata === 'number' && fromMetadata >= 0) return fromMetadata;
  return undefined;
}

/** Epoch ms at which a block ends, read the way the source says; undefined when the facts are missing. */
export function resetAt(source: ResetSource, inputs: ResetInputs): number | undefined {
  switch (source) {
    case 'retry-after': {
      const seconds = retryAfterSeconds(inputs);
      return seconds === undefined ? undefined : inputs.now_ms + Math.ceil(seconds * 1000);
    }
    case 'x-ratelimit-reset': {
      const all = { ...metadataHeaders(inputs.metadata), ...inputs.headers };
      const value = Number(all['x-ratelimit-reset']);
      if (!Number.isFinite(value) || value <= 0) return undefined;
      // documented as epoch ms; a value this small can only be epoch seconds
      return value < 1e11 ? value * 1000 : value;
    }
    case 'message-beijing-time':
      return beijingResetTime(inputs.message);
    case 'message-reset-in': {
      const ms = resetInMs(inputs.message);
      return ms === undefined ? undefined : inputs.now_ms + ms;
    }
    case 'next-utc-midnight':
      return nextUtcMidnight(inputs.now_ms);
  }
}

/** "… reset at 2026-09-09 05:38:28" is Beijing time (UTC+8, no daylight saving). */
export function beijingResetTime(message: string): number | undefined {
  const match = /reset at (\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/i.exec(message);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  return Date.UTC(year, month - 1, day, hour - 8, minute, second);
}

const RESET_IN_UNITS: Record<string, number> = { day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000 };

/**
 * OpenCode Go: "weekly usage limit reached. It will reset in 5 days 10 hours." (anomalyco/opencode#49170),
 * "Monthly usage limit reached. It will reset in 10 days 19 hours." (#42686). A duration from now, whole units only.
 */
export function resetInMs(message: string): number | undefined {
  const match = /reset in ((?:\d+\s*(?:days?|hours?|minutes?|mins?|seconds?|secs?)[\s,and]*)+)/i.exec(message);
  if (!match) return undefined;
  let total = 0;
  for (const part of match[1].matchAll(/(\d+)\s*(day|hour|min|sec)/gi)) {
    const unit = part[2].toLowerCase();
    total += Number(part[1]) * RESET_IN_UNITS[unit === 'min' ? 'minute' : unit === 'sec' ? 'second' : unit];
  }
  return total > 0 ? total : undefined;
}

export function nextUtcMidnight(nowMs: number): number {
  const now = new Date(nowMs);
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
}

function metadataHeaders(metadata: Record<string, unknown>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!isObject(metadata.headers)) return headers;
  for (const [name, value] of Object.entries(metadata.headers)) {
    if (typeof value === 'string' || typeof value === 'number') headers[name.toLowerCase()] = String(value);
  }
  return headers;
}
