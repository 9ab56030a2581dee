// Every request sent is an attempt, reserved before it is sent and finished when it returns.
// Usage is counted from here; failed attempts count too (OpenRouter counts them), except one that never left this
// machine: its weight becomes 0 when it is finished.
import { newId as ulid } from './ids.js';
import type { Billing, ErrorKind, ProviderUsage, UsageSnapshot, WindowUsage } from '../types.js';
import { type Db, iso } from './db.js';
import { addHold, heldByProvider, takeHold, type Held } from './holds.js';
import { BUCKET_SIZES, COUNTED_COLUMNS, countChange, oldestSince, usageSince, type CountedAttempt } from './usage-counters.js';
import { HEALTH_ONLY_COLUMNS, healthChange, type HealthFact } from './health-counters.js';

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

/** How a snapshot is read. */
export interface UsageOptions {
  /** a run planning its own steps, whose holds are its own to use */
  exceptRun?: string | null;
  /**
   * The windows' oldest requests are read only if something reads them (a full window's reset time): for a snapshot
   * that is judged at once, while the ledger is open — the guards before a request is sent. Reports read them all.
   */
  oldestWhenRead?: boolean;
  /**
   * A plan's snapshot that the reservation right after it may judge by again (serve's first try): the ledger's change
   * mark is read with it. Reports and the reservation's own reads do not need one.
   */
  reusable?: boolean;
}

export function usage(db: Db, providers: ProviderWindows[], now: number, options: UsageOptions = {}): UsageSnapshot {
  // taken before the reads: a commit by anyone during them changes it, so the snapshot is never reused half-old
  const mark = options.reusable && !options.exceptRun ? unchangedMark(db) : null;
  const dayStart = startOfUtcDay(now);
  const snapshot: UsageSnapshot = { now_ms: now, providers: {}, metered_usd_today: 0 };
  const held = heldByProvider(db, now, options.exceptRun ?? null);
  const oldest = options.oldestWhenRead ? readWhenAsked : readNow;
  for (const provider of providers) snapshot.providers[provider.name] = providerUsage(db, provider, now, dayStart, held.get(provider.name), oldest);
  // every reported cost is real money, a "free" one too (that raises the cost alarm); a request still in flight
  // counts at its reserved worst case (0 for free and subscription requests, unless a paid feature was reserved)
  snapshot.metered_usd_today = usageSince(db, { since_ms: dayStart }).spend_usd;
  if (mark !== null) taken.set(snapshot, { db, mark, windows: new Map(providers.map((provider) => [provider.name, JSON.stringify(provider)])) });
  return snapshot;
}

/**
 * The snapshots this process took, with the ledger's change mark at the time: a reservation may judge by a plan's
 * snapshot instead of reading the counts again when nothing has been written since, by this process or another, and
 * it is of the same instant and windows (serve's first try). Weak: a snapshot no one holds is forgotten.
 */
const taken = new WeakMap<UsageSnapshot, { db: Db; mark: string; windows: Map<string, string> }>();

/** Differs after any commit by another connection and after any write by this one; null where it cannot tell (PostgreSQL). */
function unchangedMark(db: Db): string | null {
  if (db.dialect !== 'sqlite') return null;
  // two prepared statements: the pragma's table-valued form costs twice as much
  const { data_version } = db.statement('PRAGMA data_version').get() as { data_version: number };
  const { own } = db.statement('SELECT total_changes() AS own').get() as { own: number };
  return `${data_version}.${own}`;
}

/** The plan's snapshot, if it still holds exactly for this reservation; else undefined (read again). */
function stillExact(db: Db, planned: UsageSnapshot | undefined, providers: ProviderWindows[], now: number): UsageSnapshot | undefined {
  const record = planned && planned.now_ms === now ? taken.get(planned) : undefined;
  // the mark of this connection, on this file: another connection's marks count differently
  if (!record || record.db !== db || !providers.every((provider) => record.windows.get(provider.name) === JSON.stringify(provider))) return undefined;
  return unchangedMark(db) === record.mark ? planned : undefined;
}

/** A bare number is a rolling window of that many hours, as before calendar and per-model windows existed. */
function asLedgerWindow(window: number | LedgerWindow, now: number, margin: number): LedgerWindow {
  return typeof window === 'number' ? { since_ms: now - window * 3_600_000 - margin + 1, hours: window } : window;
}

/**
 * Read from the running counters (usage-counters.ts): the same few rows whether the day holds 10 attempts or 100,000.
 * Requests (and credits) held for other runs' later steps count as used in the day and the windows (not the minute).
 */
function providerUsage(db: Db, provider: ProviderWindows, now: number, dayStart: number, held: Held | undefined, oldest: typeof readNow): ProviderUsage {
  const margin = provider.margin_ms ?? 0;
  const name = provider.name;
  const heldWeight = held?.weight ?? 0;
  const heldCredits = held?.credits ?? 0;
  const minuteEdge = now - 60_000 - margin;
  const minute = usageSince(db, { provider: name, after_ms: minuteEdge });
  const day = usageSince(db, { provider: name, since_ms: dayStart });
  const flight = usageSince(db, { provider: name, after_ms: now - IN_FLIGHT_HORIZON_MS });
  const counts: ProviderUsage = {
    provider: name,
    minute: minute.requests,
    day: day.requests + heldWeight,
    windows: provider.windows.map((entry) => {
      const window = asLedgerWindow(entry, now, margin);
      // a per-model cap sums only its models' attempts
      const query = { provider: name, since_ms: window.since_ms, models: window.models };
      const sums = usageSince(db, query);
      const counted = sums.requests > 0 || sums.list_usd > 0 || sums.credits > 0;
      const entryUsage: WindowUsage = {
        ...(window.hours !== undefined ? { hours: window.hours } : {}),
        requests: sums.requests + heldWeight,
        usd: sums.list_usd,
        credits: sums.credits + heldCredits,
      };
      // the oldest attempt that counts in any of the window's units
      if (counted) oldest(entryUsage, 'oldest_ms', () => oldestSince(db, { ...query, any_unit: true }));
      return entryUsage;
    }),
    usd_today: day.spend_usd,
    in_flight: flight.in_flight,
  };
  if (minute.requests > 0) oldest(counts, 'minute_oldest_ms', () => oldestSince(db, { provider: name, after_ms: minuteEdge }));
  return counts;
}

function readNow<T extends object, K extends keyof T>(target: T, key: K, read: () => T[K]): void {
  target[key] = read();
}

/**
 * A field read from the ledger only if someone reads it, once: when a window's oldest request started matters only
 * to a full window (its reset time) and to reports, and finding it costs more lookups than the sums themselves. The
 * guards read it inside the reservation's transaction, where it is of the same moment as the sums.
 */
function readWhenAsked<T extends object, K extends keyof T>(target: T, key: K, read: () => T[K]): void {
  let value: T[K];
  let done = false;
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!done) {
        value = read();
        done = true;
      }
      return value;
    },
  });
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
  planned?: UsageSnapshot,
): { attempt_id: string } | { rejected: T } {
  // the guards read the usage of the provider they judge (and the day's total spend): the snapshot covers this
  // attempt's provider and those of the later steps' options, not every configured one
  const involved = new Set([input.provider, ...holds.flatMap((hold) => hold.options.map((option) => option.provider))]);
  const judged = providers.filter((provider) => involved.has(provider.name));
  try {
    return db.immediate(() => {
      // this step's own hold, if it has one, becomes the attempt: it must not count against itself
      if (input.run_id !== null && input.step_id !== null) takeHold(db, input.run_id, input.step_id);
      // inside the write lock: once the mark is checked here, no one can change the counts before the row is written
      const rejected = admit(stillExact(db, planned, judged, input.now_ms) ?? usage(db, judged, input.now_ms, { oldestWhenRead: true }));
      if (rejected !== null && rejected !== undefined) throw new HoldRefused(rejected);
      const id = ulid(input.now_ms);
      db.statement(
        `INSERT INTO attempts (id, run_id, step_id, provider, model, billing, client, status, weight, reserved_usd, list_usd_reserved, credits_reserved, started_utc, started_ms, pid)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'reserved', ?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, input.run_id, input.step_id, input.provider, input.model, input.billing, input.client ?? null, input.weight, input.reserved_usd, input.list_usd_reserved ?? 0, input.credits_reserved ?? 0, iso(input.now_ms), input.now_ms, process.pid);
      countChange(db, null, { provider: input.provider, model: input.model, started_ms: input.now_ms, status: 'reserved', weight: input.weight, list_usd: null, list_usd_reserved: input.list_usd_reserved ?? 0, cost_usd: null, reserved_usd: input.reserved_usd, credits: null, credits_reserved: input.credits_reserved ?? 0 });
      for (const hold of holds) placeHold(db, input, judged, hold);
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
    const rejected = option.admit(usage(db, providers, input.now_ms, { oldestWhenRead: true }));
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
 * `reserved_ms`, the time the caller reserved it at, lets the common case skip the read and the transaction.
 */
export function markSent(db: Db, id: string, now_ms: number, reserved_ms?: number): void {
  if (reserved_ms !== undefined) {
    if (now_ms <= reserved_ms) return;
    // the usual case: sent within the second it was reserved in, so no counter bucket changes and one statement does;
    // `started_ms = reserved` makes it a no-op (and the general path below runs) if the row is not as the caller says
    if (BUCKET_SIZES.every((size) => Math.floor(now_ms / size) === Math.floor(reserved_ms / size))) {
      const changed = db.statement(`UPDATE attempts SET started_ms = ? WHERE id = ? AND status = 'reserved' AND started_ms = ?`).run(now_ms, id, reserved_ms).changes;
      if (changed > 0) return;
    }
  }
  db.immediate(() => {
    const before = countedAttempt(db, id);
    if (!before || before.status !== 'reserved' || before.started_ms >= now_ms) return;
    db.statement(`UPDATE attempts SET started_ms = ? WHERE id = ?`).run(now_ms, id);
    countChange(db, before, { ...before, started_ms: now_ms });
  });
}

export function finishAttempt(db: Db, id: string, result: AttemptResult): void {
  db.immediate(() => {
    // the usage counters' columns and health evidence's, in one read
    const before = db.statement(`SELECT ${COUNTED_COLUMNS}, ${HEALTH_ONLY_COLUMNS} FROM attempts WHERE id = ?`).get(id) as (CountedAttempt & HealthFact) | undefined;
    const listUsd = result.released ? 0 : (result.list_usd ?? null);
    const credits = result.released ? 0 : (result.credits ?? null);
    db.statement(
      `UPDATE attempts SET status = ?, error_kind = ?, error_message = ?, http_status = ?, input_tokens = ?, output_tokens = ?,
         cost_usd = ?, list_usd = ?, credits = ?, duration_ms = ?, finished_utc = ?, weight = CASE WHEN ? = 1 THEN 0 ELSE weight END WHERE id = ?`,
    ).run(
      result.status,
      result.error_kind ?? null,
      result.error_message ?? null,
      result.http_status ?? null,
      result.input_tokens ?? null,
      result.output_tokens ?? null,
      result.cost_usd ?? null,
      listUsd,
      credits,
      result.duration_ms,
      iso(result.now_ms),
      result.released ? 1 : 0,
      id,
    );
    if (before) countChange(db, before, { ...before, status: result.status, cost_usd: result.cost_usd ?? null, list_usd: listUsd, credits, weight: result.released ? 0 : before.weight });
    if (before) healthChange(db, before, { ...before, status: result.status, error_kind: result.error_kind ?? null, duration_ms: result.duration_ms });
  });
}

function countedAttempt(db: Db, id: string): CountedAttempt | undefined {
  return db.statement(`SELECT ${COUNTED_COLUMNS} FROM attempts WHERE id = ?`).get(id) as CountedAttempt | undefined;
}

/** Reserved attempts matching `where` become failed with `message`; their counters stop counting them in flight. */
function failReserved(db: Db, where: string, parameters: unknown[], message: string, now: number): number {
  return db.immediate(() => {
    const rows = db.statement(`SELECT id, ${COUNTED_COLUMNS}, ${HEALTH_ONLY_COLUMNS} FROM attempts WHERE status = 'reserved' AND ${where}`).all(...parameters) as Array<CountedAttempt & HealthFact & { id: string }>;
    const update = db.statement(`UPDATE attempts SET status = 'error', error_kind = 'network', error_message = ?, finished_utc = ? WHERE id = ? AND status = 'reserved'`);
    for (const row of rows) {
      update.run(message, iso(now), row.id);
      countChange(db, row, { ...row, status: 'error' });
      healthChange(db, row, { ...row, status: 'error', error_kind: 'network' });
    }
    return rows.length;
  });
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
export function releaseStaleReservations(db: Db, olderThanMs: number, now = db.now()): number {
  return failReserved(db, 'started_ms < ?', [olderThanMs], 'the process that sent it stopped', now);
}

/**
 * This process stops (a signal) while requests of a run are in flight: they count as sent and failed (the provider
 * may have counted or billed them), and a metered one keeps its reserved worst case as its cost.
 */
export function abandonAttempts(db: Db, runId: string, message: string, now = db.now()): number {
  return failReserved(db, 'run_id = ? AND pid = ?', [runId, process.pid], message, now);
}

/** A run taken over (resumed, or claimed by a worker): requests its stopped owner left in flight never got an answer. */
export function abandonOrphanAttempts(db: Db, runId: string, now = db.now()): number {
  return failReserved(db, 'run_id = ? AND pid IS DISTINCT FROM ?', [runId, process.pid], 'the process that sent it stopped before the answer arrived', now);
}
