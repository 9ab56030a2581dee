// The two built-in template values, fixed once per run: `now` (UTC, ISO 8601) and `today` (the run's zone).
import { checkTimeZone, formatDate } from './date-format.js';

export interface RunTime {
  now_utc: string;
  /** yyyy-mm-dd in `timezone` */
  today: string;
  timezone: string;
}

export function runTime(now: Date, timezone: string): RunTime {
  checkTimeZone(timezone, 'timezone');
  return { now_utc: now.toISOString(), today: formatDate(now, 'yyyy-MM-dd', timezone), timezone };
}

let system: string | undefined;

export function systemTimezone(): string {
  system ??= Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return system;
}
