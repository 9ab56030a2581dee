// Window spans and peak hours as pure time arithmetic: calendar day/week/month starts and resets in a time zone
// (daylight saving, a renewal day, the year's end), and the peak-hour switch exactly at its local boundary.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { BadInputError } from '../src/errors.js';
import { calendarNext, calendarStart, windowFreesAt, windowLabel, windowSince } from '../src/router/window-span.js';
import { creditRateAt, isPeak, requestWeight } from '../src/router/draw.js';
import type { Limits } from '../src/types.js';

const utc = (text: string) => Date.parse(text);

describe('calendar windows', () => {
  it('a UTC week runs Monday 00:00 to the next Monday; Sunday 23:59:59.999 is still the old week', () => {
    const week = { calendar: 'week' as const, requests: 10 };
    expect(calendarStart(week, utc('2026-01-14T12:00:00Z'))).toBe(utc('2026-01-12T00:00:00Z'));
    expect(calendarNext(week, utc('2026-01-14T12:00:00Z'))).toBe(utc('2026-01-19T00:00:00Z'));
    expect(calendarStart(week, utc('2026-01-18T23:59:59.999Z'))).toBe(utc('2026-01-12T00:00:00Z'));
    expect(calendarStart(week, utc('2026-01-19T00:00:00Z'))).toBe(utc('2026-01-19T00:00:00Z'));
  });
  it('a week in Asia/Shanghai starts at Monday 00:00 local, Sunday 16:00 UTC', () => {
    const week = { calendar: 'week' as const, timezone: 'Asia/Shanghai', credits: 100 };
    // Sunday 2026-01-18 17:00 UTC is Monday 01:00 in Shanghai
    expect(calendarStart(week, utc('2026-01-18T17:00:00Z'))).toBe(utc('2026-01-18T16:00:00Z'));
    expect(calendarStart(week, utc('2026-01-18T15:59:59.999Z'))).toBe(utc('2026-01-11T16:00:00Z'));
  });
  it('a month from a renewal day in a time zone, and December rolling into January', () => {
    const renewal = { calendar: 'month' as const, month_day: 12, timezone: 'Asia/Shanghai', usd: 60 };
    // 2026-01-11 20:00 UTC is already the 12th, 04:00, in Shanghai
    expect(calendarStart(renewal, utc('2026-01-11T20:00:00Z'))).toBe(utc('2026-01-11T16:00:00Z'));
    expect(calendarNext(renewal, utc('2026-01-11T20:00:00Z'))).toBe(utc('2026-02-11T16:00:00Z'));
    expect(calendarStart(renewal, utc('2026-01-11T15:00:00Z'))).toBe(utc('2025-12-11T16:00:00Z'));
    const month = { calendar: 'month' as const, usd: 60 };
    expect(calendarStart(month, utc('2026-12-20T10:00:00Z'))).toBe(utc('2026-12-01T00:00:00Z'));
    expect(calendarNext(month, utc('2026-12-20T10:00:00Z'))).toBe(utc('2027-01-01T00:00:00Z'));
  });
  it('a day in Europe/London on the spring change has 23 hours', () => {
    const day = { calendar: 'day' as const, timezone: 'Europe/London', requests: 5 };
    expect(calendarStart(day, utc('2026-03-29T12:00:00Z'))).toBe(utc('2026-03-29T00:00:00Z'));
    expect(calendarNext(day, utc('2026-03-29T12:00:00Z'))).toBe(utc('2026-03-29T23:00:00Z'));
  });
  it('rolling windows start one span (plus margin) back and free when their oldest request leaves; calendar ones free at the next start', () => {
    const now = utc('2026-01-14T12:00:00Z');
    expect(windowSince({ hours: 5, requests: 1 }, now, 1000)).toBe(now - 5 * 3_600_000 - 1000 + 1);
    expect(windowFreesAt({ hours: 5, requests: 1 }, now, now - 3_600_000, 1000)).toBe(now + 4 * 3_600_000 + 1000);
    expect(windowFreesAt({ calendar: 'week', requests: 1 }, now, now - 3_600_000, 1000)).toBe(utc('2026-01-19T00:00:00Z'));
    expect(windowLabel({ hours: 744, usd: 15, models: ['deepseek-v4-pro'] })).toBe('744 h, deepseek-v4-pro');
    expect(windowLabel({ calendar: 'month', month_day: 12, timezone: 'Asia/Shanghai', usd: 60 })).toBe('calendar month from day 12 (Asia/Shanghai)');
  });
});

describe('peak hours (Z.AI: 14:00-18:00 UTC+8 = 06:00-10:00 UTC)', () => {
  const limits: Limits = { peak_hours: { timezone: 'Asia/Shanghai', from: '14:00', to: '18:00' } };
  const model = { quota_weight: { peak: 3, off_peak: 2 }, credits: { input: 100, output: 1000, off_peak: 0.5 } };
  it('switches exactly at 14:00:00.000 local and back at 18:00:00.000', () => {
    expect(isPeak(limits.peak_hours, utc('2026-01-14T05:59:59.999Z'))).toBe(false);
    expect(isPeak(limits.peak_hours, utc('2026-01-14T06:00:00.000Z'))).toBe(true);
    expect(isPeak(limits.peak_hours, utc('2026-01-14T09:59:59.999Z'))).toBe(true);
    expect(isPeak(limits.peak_hours, utc('2026-01-14T10:00:00.000Z'))).toBe(false);
  });
  it('the weight and the credit rate follow it', () => {
    expect(requestWeight(model, limits, utc('2026-01-14T05:59:59.999Z'))).toBe(2);
    expect(requestWeight(model, limits, utc('2026-01-14T06:00:00.000Z'))).toBe(3);
    expect(creditRateAt(model, limits, utc('2026-01-14T05:59:59.999Z'))).toEqual({ input: 50, output: 500 });
    expect(creditRateAt(model, limits, utc('2026-01-14T06:00:00.000Z'))).toEqual({ input: 100, output: 1000 });
  });
  it('days limit the peak to weekdays; without peak_hours the peak rate always applies', () => {
    const weekdays: Limits = { peak_hours: { timezone: 'Asia/Shanghai', from: '14:00', to: '18:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] } };
    // Saturday 2026-01-17 07:00 UTC is 15:00 in Shanghai
    expect(isPeak(weekdays.peak_hours, utc('2026-01-17T07:00:00Z'))).toBe(false);
    expect(isPeak(weekdays.peak_hours, utc('2026-01-16T07:00:00Z'))).toBe(true);
    expect(requestWeight(model, {}, utc('2026-01-17T02:00:00Z'))).toBe(3);
    expect(requestWeight({}, limits, utc('2026-01-14T07:00:00Z'))).toBe(1);
  });
});

describe('plan tiers and time zones in the config', () => {
  const load = (yaml: string) => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-plan-'));
    const file = path.join(folder, 'portai.yaml');
    fs.writeFileSync(file, yaml);
    try {
      return loadConfig({ flag: file, env: { HOME: folder }, cwd: folder });
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  };
  it("`plan:` picks the tier's windows; without it the preset's smallest tier counts and says it was not chosen", () => {
    const chosen = load('providers:\n  zai: { preset: zai-coding, plan: max }\n').providers.zai;
    expect(chosen.limits.windows).toEqual([{ hours: 5, credits: 28000 }, { hours: 168, credits: 140000 }]);
    expect(chosen).toMatchObject({ plan: 'max', plan_chosen: true });
    const fallback = load('providers:\n  zai: { preset: zai-coding }\n').providers.zai;
    expect(fallback).toMatchObject({ plan: 'lite', plan_chosen: false });
    expect(fallback.limits.peak_hours?.timezone).toBe('Asia/Shanghai');
    // the config's own limits still win over the tier's
    const own = load('providers:\n  zai:\n    preset: zai-coding\n    plan: pro\n    limits: { windows: [ { hours: 5, credits: 500 } ] }\n').providers.zai;
    expect(own.limits.windows).toEqual([{ hours: 5, credits: 500 }]);
  });
  it('a misspelt time zone in a calendar window is bad input naming the field', () => {
    let caught: unknown;
    try {
      load('providers:\n  go:\n    preset: opencode-go\n    limits: { windows: [ { calendar: month, timezone: Europe/Londn, usd: 60 } ] }\n');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BadInputError);
    expect(String((caught as Error).message)).toContain("unknown time zone 'Europe/Londn'");
    expect(JSON.stringify(caught)).toContain('providers.go.limits.windows.0.timezone');
  });
  it('a per-model cap naming a model the provider does not list is bad input', () => {
    expect(() => load('providers:\n  go:\n    preset: opencode-go\n    limits: { windows: [ { hours: 744, usd: 15, models: [deepseek-v9] } ] }\n')).toThrow(/per-model cap names 'deepseek-v9'/);
  });
  it('a window is rolling or calendar, never both, and counts in some unit', () => {
    expect(() => load('providers:\n  go:\n    preset: opencode-go\n    limits: { windows: [ { hours: 5, calendar: week, usd: 1 } ] }\n')).toThrow(BadInputError);
    expect(() => load('providers:\n  go:\n    preset: opencode-go\n    limits: { windows: [ { hours: 5 } ] }\n')).toThrow(BadInputError);
  });
});
