// Every request sent is an attempt, reserved before it is sent and finished when it returns.
// Usage is counted from here; failed attempts count too (OpenRouter counts them), except one that never left this
// machine: its weight becomes 0 when it is finished.
import { newId as ulid } from './ids.js';
import type { Billing, ErrorKind, ProviderUsage, UsageSnapshot } from '../types.js';
import { type Db, iso } from './db.js';
import { addHold, heldByProvider, takeHold, type Held } from './holds.js';

/**
 * One window as the ledger counts it: attempts started at or after `since_ms`, of every model or only `models`.
 * What the window is (rolling hours, a calendar week in a time zone) is the caller's business (router/window-span.ts).
 */
export interface LedgerWindow {
  since_ms: number;
  models?: string[];
  /** a rolling window's length, echoed back in the usage */
  hours?: number;
}

export interface ProviderWindows {
  name: string;
  /** in the order of the provider's limits.windows: a rolling length in hours, or a span to count */
  windows: Array<number | LedgerWindow>;
  /** rolling windows (the minute and each rolling-hours window) count this much longer; default 0 */
  margin_ms?: number;
}

export interface ReserveInput {
  run_id: string | null;
  step_id: string | null;
  provider: string;
  model: string;
  billing: Billing;
  /** how many requests this one counts as (Z.AI GLM-5.x: more than 1) */
  weight: number;
  /** worst-case metered cost, USD: counts against budgets until the real cost is known */
  reserved_usd: number;
  /** worst-case cost at list price, USD: counts against USD windows until the real figure is known */
  list_usd_reserved?: number;
  /** worst-case credits (Z.AI credit plans): count against credit windows until the real figure is known */
  credits_reserved?: number;
  client?: string | null;
  now_ms: number;
}

export interface AttemptResult {
  status: 'ok' | 'error';
  error_kind?: ErrorKind;
  error_message?: string;
  http_status?: number;
  input_tokens?: number;
  output_tokens?: number;
  cost_usd?: number;
  list_usd?: number;
  /** credits drawn, from the reported tokens; absent keeps the reserved worst case */
  credits?: number;
  /** the request never left this machine: it stops counting (weight and list price 0), the row stays as history */
  released?: boolean;
  duration_ms: number;
  now_ms: number;
}

export interface AttemptRow {
  id: string;
  run_id: string | null;
  step_id: string | null;
  provider: string;
  model: string;
  billing: Billing;
  client: string | null;
  status: 'reserved' | 'ok' | 'error';
  error_kind: string | null;
  error_message: string | null;
  http_status: number | null;
  weight: number;
  reserved_usd: number;
  list_usd: number | null;
  cost_usd: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  duration_ms: number | null;
  started_utc: string;
  finished_utc: string | null;
}

/** A reservation older than this whose process never finished it no longer counts as in flight. */
const IN_FLIGHT_HORIZON_MS = 15 * 60_000;

export function startOfUtcDay(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/** `exceptRun`: a run planning its own steps, whose holds are its own to use. */
export function usage(db: Db, providers: ProviderWindows[], now: number, exceptRun: string | null = null): UsageSnapshot {
  const dayStart = startOfUtcDay(now);
  const snapshot: UsageSnapshot = { now_ms: now, providers: {}, metered_usd_today: 0 };
  const held = heldByProvider(db, now, exceptRun);
  for (const provider of providers) snapshot.providers[provider.name] = withHolds(providerUsage(db, provider, now, dayStart), held.get(provider.name));
  // every reported cost is real money, a "free" one too (that raises the cost alarm); a request still in flight
  // counts at its reserved worst case (0 for free and subscription requests, unless a paid feature was reserved)
  const spent = db
    .statement(
      `SELECT COALESCE(SUM(COALESCE(cost_usd, reserved_usd)), 0) AS usd
       FROM attempts WHERE started_ms >= ?`,
    )
    .get(dayStart) as { usd: number };
  snapshot.metered_usd_today = spent.usd;
  return snapshot;
}

/** Requests (and credits) held for other runs' later steps count as used in the day and the windows (not the minute). */
function withHolds(usage: ProviderUsage, held: Held | undefined): ProviderUsage {
  if (!held || (held.weight === 0 && held.credits === 0)) return usage;
  return {
    ...usage,
    day: usage.day + held.weight,
    windows: usage.windows.map((window) => ({ ...window, requests: window.requests + held.weight, credits: (window.credits ?? 0) + held.credits })),
  };
}

/** A bare number is a rolling window of that many hours, as before calendar and per-model windows existed. */
function asLedgerWindow(window: number | LedgerWindow, now: number, margin: number): LedgerWindow {
  return typeof window === 'number' ? { since_ms: now - window * 3_600_000 - margin + 1, hours: window } : window;
}

function providerUsage(db: Db, provider: ProviderWindows, now: number, dayStart: number): ProviderUsage {
  const margin = provider.margin_ms ?? 0;
  const minuteStart = now - 60_000 - margin;
  const windows = provider.windows.map((window) => asLedgerWindow(window, now, margin));
  const from = Math.min(dayStart, minuteStart, now - IN_FLIGHT_HORIZON_MS, ...windows.map((window) => window.since_ms));
  const parameters: Record<string, unknown> = { minute: minuteStart, day: dayStart, flight: now - IN_FLIGHT_HORIZON_MS, provider: provider.name, from: from - 1 };
  const windowColumns = windows
    .map((window, index) => {
      parameters[`w${index}`] = window.since_ms;
      // a per-model cap sums only its models' attempts: the same sums, one more condition
      const models = (window.models ?? []).map((model, position) => {
        parameters[`w${index}m${position}`] = model;
        return `@w${index}m${position}`;
      });
      const within = `started_ms >= @w${index}${models.length > 0 ? ` AND model IN (${models.join(', ')})` : ''}`;
      return `,
        COALESCE(SUM(CASE WHEN ${within} THEN weight END), 0) AS w${index}_requests,
        COALESCE(SUM(CASE WHEN ${within} THEN COALESCE(list_usd, list_usd_reserved) END), 0) AS w${index}_usd,
        COALESCE(SUM(CASE WHEN ${within} THEN COALESCE(credits, credits_reserved) END), 0) AS w${index}_credits,
        MIN(CASE WHEN ${within} AND (weight > 0 OR COALESCE(list_usd, list_usd_reserved) > 0 OR COALESCE(credits, credits_reserved) > 0) THEN started_ms END) AS w${index}_oldest`;
    })
    .join('');
  const sql = `SELECT
      COALESCE(SUM(CASE WHEN started_ms > @minute THEN weight END), 0) AS minute,
      MIN(CASE WHEN started_ms > @minute AND weight > 0 THEN started_ms END) AS minute_oldest,
      COALESCE(SUM(CASE WHEN started_ms >= @day THEN weight END), 0) AS day,
      COALESCE(SUM(CASE WHEN started_ms >= @day THEN
        COALESCE(cost_usd, reserved_usd) END), 0) AS usd_today,
      COALESCE(SUM(CASE WHEN status = 'reserved' AND started_ms > @flight THEN 1 END), 0) AS in_flight${windowColumns}
    FROM attempts WHERE provider = @provider AND started_ms > @from`;
  const row = db.statement(sql).get(parameters) as Record<string, number | null>;
  return {
    provider: provider.name,
    minute: row.minute ?? 0,
    minute_oldest_ms: row.minute_oldest ?? undefined,
    day: row.day ?? 0,
    windows: windows.map((window, index) => ({
      ...(window.hours !== undefined ? { hours: window.hours } : {}),
      requests: row[`w${index}_requests`] ?? 0,
      usd: row[`w${index}_usd`] ?? 0,
      credits: row[`w${index}_credits`] ?? 0,
      oldest_ms: row[`w${index}_oldest`] ?? undefined,
    })),
    usd_today: row.usd_today ?? 0,
    in_flight: row.in_flight ?? 0,
  };
}

/** A later step of the run, and the providers that could serve it, in the plan's order. */
export interface HoldRequest<T> {
  step_id: string;
  options: Array<{ provider: string; weight: number; credits?: number; admit: (snapshot: UsageSnapshot) => T | null }>;
}

class HoldRefused<T> extends Error {
  constructor(readonly rejection: T) {
    super('hold refused');
  }
}

/**
 * Check and reserve in ONE immediate transaction: the guard sees a snapshot no other process can change
 * before the attempt row is written, so two processes can never both take the last request of a window.
 * With `holds`, the same transaction also holds one request for each later step of the run (on the first
 * provider that admits it); if a later step fits nowhere, nothing is reserved and its rejection is returned.
 */
export function reserve<T>(
  db: Db,
  input: ReserveInput,
  providers: ProviderWindows[],
  admit: (snapshot: UsageSnapshot) => T | null,
  holds: HoldRequest<T>[] = [],
): { attempt_id: string } | { rejected: T } {
  try {
    return db.immediate(() => {
      // this step's own hold, if it has one, becomes the attempt: it must not count against itself
      if (input.run_id !== null && input.step_id !== null) takeHold(db, input.run_id, input.step_id);
      const rejected = admit(usage(db, providers, input.now_ms));
      if (rejected !== null && rejected !== undefined) throw new HoldRefused(rejected);
      const id = ulid(input.now_ms);
      db.statement(
        `INSERT INTO attempts (id, run_id, step_id, provider, model, billing, client, status, weight, reserved_usd, list_usd_reserved, credits_reserved, started_utc, started_ms, pid)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'reserved', ?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, input.run_id, input.step_id, input.provider, input.model, input.billing, input.client ?? null, input.weight, input.reserved_usd, input.list_usd_reserved ?? 0, input.credits_reserved ?? 0, iso(input.now_ms), input.now_ms, process.pid);
      for (const hold of holds) placeHold(db, input, providers, hold);
      return { attempt_id: id };
    });
  } catch (error) {
    // thrown inside the transaction so that better-sqlite3 rolls back a taken hold, the attempt and earlier holds
    if (error instanceof HoldRefused) return { rejected: error.rejection as T };
    throw error;
  }
}

function placeHold<T>(db: Db, input: ReserveInput, providers: ProviderWindows[], hold: HoldRequest<T>): void {
  let first: T | null = null;
  for (const option of hold.options) {
    const rejected = option.admit(usage(db, providers, input.now_ms));
    if (rejected === null || rejected === undefined) {
      addHold(db, { run_id: input.run_id ?? '', step_id: hold.step_id, provider: option.provider, weight: option.weight, credits: option.credits ?? 0 }, input.now_ms);
      return;
    }
    first ??= rejected;
  }
  if (first !== null) throw new HoldRefused(first);
}

/**
 * The request is about to go out. Windows count it from now rather than from its reservation: the provider counts
 * it when it arrives, and between the two a process may load its HTTP client or wait for a busy CPU. Only ever
 * later, so a request counts at least as long as it would have; started_utc keeps the reservation time.
 */
export function markSent(db: Db, id: string, now_ms: number): void {
  db.statement(`UPDATE attempts SET started_ms = MAX(started_ms, ?) WHERE id = ? AND status = 'reserved'`).run(now_ms, id);
}

export function finishAttempt(db: Db, id: string, result: AttemptResult): void {
  db.statement(
    `UPDATE attempts SET status = ?, error_kind = ?, error_message = ?, http_status = ?, input_tokens = ?, output_tokens = ?,
       cost_usd = ?, list_usd = ?, credits = ?, duration_ms = ?, finished_utc = ?, weight = CASE WHEN ? THEN 0 ELSE weight END WHERE id = ?`,
  ).run(
    result.status,
    result.error_kind ?? null,
    result.error_message ?? null,
    result.http_status ?? null,
    result.input_tokens ?? null,
    result.output_tokens ?? null,
    result.cost_usd ?? null,
    result.released ? 0 : (result.list_usd ?? null),
    result.released ? 0 : (result.credits ?? null),
    result.duration_ms,
    iso(result.now_ms),
    result.released ? 1 : 0,
    id,
  );
}

export function attemptsOf(db: Db, runId: string): AttemptRow[] {
  return db
    .statement(
      `SELECT id, run_id, step_id, provider, model, billing, client, status, error_kind, error_message, http_status, weight, reserved_usd,
              list_usd, cost_usd, input_tokens, output_tokens, duration_ms, started_utc, finished_utc
       FROM attempts WHERE run_id = ? ORDER BY started_ms, id`,
    )
    .all(runId) as AttemptRow[];
}

/** Reservations left by a process that died: they stay counted (the request may have been sent) but are no longer in flight. */
export function releaseStaleReservations(db: Db, olderThanMs: number, now = Date.now()): number {
  return db.statement(`UPDATE attempts SET status = 'error', error_kind = 'network', error_message = 'the process that sent it stopped', finished_utc = ? WHERE status = 'reserved' AND started_ms < ?`).run(iso(now), olderThanMs).changes;
}

/**
 * This process stops (a signal) while requests of a run are in flight: they count as sent and failed (the provider
 * may have counted or billed them), and a metered one keeps its reserved worst case as its cost.
 */
export function abandonAttempts(db: Db, runId: string, message: string, now = Date.now()): number {
  return db
    .statement(`UPDATE attempts SET status = 'error', error_kind = 'network', error_message = ?, finished_utc = ? WHERE run_id = ? AND status = 'reserved' AND pid = ?`)
    .run(message, iso(now), runId, process.pid).changes;
}

/** A run taken over (resumed, or claimed by a worker): requests its stopped owner left in flight never got an answer. */
export function abandonOrphanAttempts(db: Db, runId: string, now = Date.now()): number {
  return db
    .statement(`UPDATE attempts SET status = 'error', error_kind = 'network', error_message = 'the process that sent it stopped before the answer arrived', finished_utc = ? WHERE run_id = ? AND status = 'reserved' AND pid IS NOT ?`)
    .run(iso(now), runId, process.pid).changes;
}
