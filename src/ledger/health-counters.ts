// Running health counters: what the router's health evidence (evidence.ts) reads instead of the hour's attempts.
// Each answered attempt adds to one minute bucket of its provider and model, in the same transaction that finishes
// it: a count, its successes and their latency, its failures, and two decay sums Σ 2^((t − bucket_ms)/H) (all and
// ok), so that a bucket's decayed weight at `now` is exactly 0.5^((now − bucket_ms)/H) × its sum. Evidence is then
// at most 61 bucket rows per model plus the rows of two partial minutes (the hour's edge and the 10 minutes' edge),
// however many requests the hour held. Portable SQL (the PostgreSQL ledger runs the same statements).
import type { Db } from './db.js';

export const HEALTH_BUCKET_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const RECENT_MS = 10 * 60_000;
/** a request's weight halves every 15 minutes, so a model that failed a minute ago stays behind one that works now */
export const HALF_LIFE_MS = 15 * 60_000;

/**
 * Account-wide answers (the day's free cap, a 402, a bad key, a bad request, a prompt too long) say nothing about the
 * model, so they are not its evidence; nor are reconcile adjustments (ledger/adjustments.ts), which are counts, not answers.
 */
export const ACCOUNT_WIDE_KINDS = ['quota_exhausted', 'payment_required', 'auth', 'bad_request', 'context_overflow'];
const RECONCILE_CLIENT = 'reconcile';

/** The columns of an attempt row that health evidence reads. */
export interface HealthFact {
  provider: string;
  model: string;
  status: string;
  error_kind: string | null;
  client: string | null;
  duration_ms: number | null;
  started_ms: number;
}

export const HEALTH_COLUMNS = 'provider, model, status, error_kind, client, duration_ms, started_ms';
/** the ones the usage counters' COUNTED_COLUMNS lack (usage-counters.ts) */
export const HEALTH_ONLY_COLUMNS = 'error_kind, client, duration_ms';

/** The SQL twin of `isEvidence`, for the edge reads. */
export const EVIDENCE_FILTER = `status IN ('ok', 'error') AND (client IS NULL OR client <> '${RECONCILE_CLIENT}')
  AND (error_kind IS NULL OR error_kind NOT IN (${ACCOUNT_WIDE_KINDS.map((kind) => `'${kind}'`).join(', ')}))`;

export function isEvidence(fact: HealthFact): boolean {
  if (fact.status !== 'ok' && fact.status !== 'error') return false;
  if (fact.client === RECONCILE_CLIENT) return false;
  return fact.error_kind === null || !ACCOUNT_WIDE_KINDS.includes(fact.error_kind);
}

export const healthBucketOf = (ms: number) => Math.floor(ms / HEALTH_BUCKET_MS) * HEALTH_BUCKET_MS;

/** 2^((t − bucket)/H): in [1, 1.05) for a minute bucket, so sums of thousands stay exact to far below ranking's 0.01 */
export const growth = (started_ms: number, bucket_ms: number) => 2 ** ((started_ms - bucket_ms) / HALF_LIFE_MS);

interface Share {
  total: number;
  ok: number;
  ok_latency_ms: number;
  failures: number;
  decay_all: number;
  decay_ok: number;
}

function shareOf(fact: HealthFact): Share {
  const ok = fact.status === 'ok';
  const decay = growth(fact.started_ms, healthBucketOf(fact.started_ms));
  return { total: 1, ok: ok ? 1 : 0, ok_latency_ms: ok ? (fact.duration_ms ?? 0) : 0, failures: ok ? 0 : 1, decay_all: decay, decay_ok: ok ? decay : 0 };
}

const UPSERT = `INSERT INTO health_counters (bucket_ms, provider, model, total, ok, ok_latency_ms, failures, decay_all, decay_ok) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (bucket_ms, provider, model) DO UPDATE SET
    total = health_counters.total + excluded.total, ok = health_counters.ok + excluded.ok,
    ok_latency_ms = health_counters.ok_latency_ms + excluded.ok_latency_ms, failures = health_counters.failures + excluded.failures,
    decay_all = health_counters.decay_all + excluded.decay_all, decay_ok = health_counters.decay_ok + excluded.decay_ok`;

function add(db: Db, fact: HealthFact, sign: 1 | -1): void {
  const share = shareOf(fact);
  db.statement(UPSERT).run(healthBucketOf(fact.started_ms), fact.provider, fact.model, sign * share.total, sign * share.ok, sign * share.ok_latency_ms, sign * share.failures, sign * share.decay_all, sign * share.decay_ok);
}

/**
 * An attempt row was written or changed: take what it was out of the counters and put what it is in. Call inside the
 * transaction that changes the row. A reservation is not evidence, so finishing one is a single upsert.
 */
export function healthChange(db: Db, before: HealthFact | null, after: HealthFact | null): void {
  const was = before !== null && isEvidence(before);
  const is = after !== null && isEvidence(after);
  if (was && is && sameShare(before, after)) return;
  if (was) add(db, before, -1);
  if (is) add(db, after, 1);
}

function sameShare(a: HealthFact, b: HealthFact): boolean {
  return a.provider === b.provider && a.model === b.model && a.started_ms === b.started_ms && a.status === b.status && (a.status !== 'ok' || (a.duration_ms ?? 0) === (b.duration_ms ?? 0));
}

/** Minimal shape of a connection for the rebuild (better-sqlite3's Database, or the migration target). */
interface Connection {
  prepare(sql: string): { run(...parameters: unknown[]): unknown; iterate(...parameters: unknown[]): IterableIterator<unknown> };
}

/** Drop the counters and sum them again from every attempt row (the migration, a copied ledger, a repair). */
export function rebuildHealthCounters(connection: Connection): void {
  connection.prepare('DELETE FROM health_counters').run();
  const totals = new Map<string, { bucket: number; provider: string; model: string; share: Share }>();
  const rows = connection.prepare(`SELECT ${HEALTH_COLUMNS} FROM attempts WHERE ${EVIDENCE_FILTER}`).iterate() as IterableIterator<HealthFact>;
  for (const row of rows) {
    const bucket = healthBucketOf(row.started_ms);
    const key = JSON.stringify([bucket, row.provider, row.model]);
    const entry = totals.get(key) ?? { bucket, provider: row.provider, model: row.model, share: { total: 0, ok: 0, ok_latency_ms: 0, failures: 0, decay_all: 0, decay_ok: 0 } };
    const share = shareOf(row);
    entry.share.total += share.total;
    entry.share.ok += share.ok;
    entry.share.ok_latency_ms += share.ok_latency_ms;
    entry.share.failures += share.failures;
    entry.share.decay_all += share.decay_all;
    entry.share.decay_ok += share.decay_ok;
    totals.set(key, entry);
  }
  const insert = connection.prepare('INSERT INTO health_counters (bucket_ms, provider, model, total, ok, ok_latency_ms, failures, decay_all, decay_ok) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const { bucket, provider, model, share } of totals.values()) insert.run(bucket, provider, model, share.total, share.ok, share.ok_latency_ms, share.failures, share.decay_all, share.decay_ok);
}
