// The usage sums as they were before the running counters: one scan of the attempts table. Tests compare the
// counters against this, so the reference must stay the plain, obviously right sum.
import type Database from 'better-sqlite3';
import { rebuildUsageCounters } from '../../src/ledger/usage-counters.js';

export interface ReferenceWindows {
  name: string;
  windows: number[];
  margin_ms?: number;
}

export interface ReferenceUsage {
  minute: number;
  minute_oldest_ms: number | undefined;
  day: number;
  usd_today: number;
  in_flight: number;
  windows: Array<{ hours: number; requests: number; usd: number; credits: number; oldest_ms: number | undefined }>;
}

const IN_FLIGHT_HORIZON_MS = 15 * 60_000;

export function referenceUsage(sqlite: Database.Database, provider: ReferenceWindows, now: number): ReferenceUsage {
  const date = new Date(now);
  const dayStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const margin = provider.margin_ms ?? 0;
  const one = (sql: string, ...parameters: unknown[]) => Object.values(sqlite.prepare(sql).get(provider.name, ...parameters) as object)[0] as number | null;
  const minuteStart = now - 60_000 - margin;
  return {
    minute: one('SELECT COALESCE(SUM(weight), 0) FROM attempts WHERE provider = ? AND started_ms > ?', minuteStart) ?? 0,
    minute_oldest_ms: one('SELECT MIN(started_ms) FROM attempts WHERE provider = ? AND started_ms > ? AND weight > 0', minuteStart) ?? undefined,
    day: one('SELECT COALESCE(SUM(weight), 0) FROM attempts WHERE provider = ? AND started_ms >= ?', dayStart) ?? 0,
    usd_today: one('SELECT COALESCE(SUM(COALESCE(cost_usd, reserved_usd)), 0) FROM attempts WHERE provider = ? AND started_ms >= ?', dayStart) ?? 0,
    in_flight: one("SELECT COUNT(*) FROM attempts WHERE provider = ? AND status = 'reserved' AND started_ms > ?", now - IN_FLIGHT_HORIZON_MS) ?? 0,
    windows: provider.windows.map((hours) => {
      const start = now - hours * 3_600_000 - margin;
      return {
        hours,
        requests: one('SELECT COALESCE(SUM(weight), 0) FROM attempts WHERE provider = ? AND started_ms > ?', start) ?? 0,
        usd: one('SELECT COALESCE(SUM(COALESCE(list_usd, list_usd_reserved)), 0) FROM attempts WHERE provider = ? AND started_ms > ?', start) ?? 0,
        credits: one('SELECT COALESCE(SUM(COALESCE(credits, credits_reserved)), 0) FROM attempts WHERE provider = ? AND started_ms > ?', start) ?? 0,
        // a window's oldest counts in any of its units (requests, list USD, credits)
        oldest_ms:
          one('SELECT MIN(started_ms) FROM attempts WHERE provider = ? AND started_ms > ? AND (weight > 0 OR COALESCE(list_usd, list_usd_reserved) > 0 OR COALESCE(credits, credits_reserved) > 0)', start) ??
          undefined,
      };
    }),
  };
}

export function referenceSpendToday(sqlite: Database.Database, now: number): number {
  const date = new Date(now);
  const dayStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  return (sqlite.prepare('SELECT COALESCE(SUM(COALESCE(cost_usd, reserved_usd)), 0) AS usd FROM attempts WHERE started_ms >= ?').get(dayStart) as { usd: number }).usd;
}

type CounterRow = Record<string, number | string>;

/** The counter rows as kept, and as a rebuild from the attempts would make them (rolled back), without all-zero rows. */
export function countersAndRebuild(sqlite: Database.Database): { kept: CounterRow[]; rebuilt: CounterRow[] } {
  const read = () =>
    sqlite
      .prepare('SELECT * FROM usage_counters WHERE weight_micro <> 0 OR list_nano_usd <> 0 OR spend_nano_usd <> 0 OR in_flight <> 0 ORDER BY provider, size_ms, bucket_ms, model')
      .all() as CounterRow[];
  const kept = read();
  let rebuilt: CounterRow[] = [];
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    rebuildUsageCounters(sqlite);
    rebuilt = read();
  } finally {
    sqlite.exec('ROLLBACK');
  }
  return { kept, rebuilt };
}
