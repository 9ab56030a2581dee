// Running usage counters: what every quota and budget check reads instead of summing the attempts.
// Each attempt adds its weight, list price, spend and in-flight mark to one bucket per size (a tenth of a second, a
// second, a minute, an hour, a UTC day) of its provider and model, in the same transaction that writes the attempt
// row. A window "since T" is then the attempts of T's partial tenth (read from the attempts table: at most 100 ms of
// them), the whole tenths up to the next second, the whole seconds up to the next minute, and so on up to the whole
// days after: at most 9 + 59 + 59 + 23 + (days of the window) bucket rows, however many attempts the ledger holds.
// The tenth keeps the edge's read small when a proxy answers a thousand requests a second; the day makes today's
// spend, summed over every provider on every check, one row per provider and model.
// Portable SQL only (the PostgreSQL ledger runs the same statements): upserts with ON CONFLICT, bucket math in JS.
import type { Db } from './db.js';

/** Bucket sizes, finest first, each dividing the next: a tenth of a second, a second, a minute, an hour, a UTC day. */
export const BUCKET_SIZES = [100, 1_000, 60_000, 3_600_000, 86_400_000] as const;

// Integer units, so that adding and later subtracting an attempt's share leaves no float residue (0.1 + 0.2 - 0.2
// is not 0.1): weights in millionths of a request, dollars in billionths.
const WEIGHT_UNIT = 1e6;
const USD_UNIT = 1e9;

/** The columns of an attempt row that the counters read. */
export interface CountedAttempt {
  provider: string;
  model: string;
  started_ms: number;
  status: string;
  weight: number;
  list_usd: number | null;
  list_usd_reserved: number;
  cost_usd: number | null;
  reserved_usd: number;
  credits: number | null;
  credits_reserved: number;
}

/** An attempt's share of its buckets, in integer units. */
interface Share {
  weight: number;
  list: number;
  spend: number;
  in_flight: number;
  credits: number;
}

/** Sums of a window, in requests and dollars. */
export interface WindowUsage {
  /** weighted requests */
  requests: number;
  /** USD at list price: the reported list cost, or the reserved worst case while in flight */
  list_usd: number;
  /** USD spent: the reported cost, or the reserved worst case while in flight */
  spend_usd: number;
  /** attempts reserved and not finished */
  in_flight: number;
  /** credits (Z.AI credit plans): the reported figure, or the reserved worst case while in flight */
  credits: number;
}

export interface WindowQuery {
  /** every provider when absent (the day's spend over all of them) */
  provider?: string;
  /** every model of the provider when absent or empty (a per-model cap names its models) */
  models?: string[];
  /** attempts with started_ms >= since_ms (a calendar start: the UTC day, a week, a month) */
  since_ms?: number;
  /** attempts with started_ms > after_ms (a rolling window's edge) */
  after_ms?: number;
}

function shareOf(row: CountedAttempt): Share {
  return {
    weight: Math.round(row.weight * WEIGHT_UNIT),
    list: Math.round((row.list_usd ?? row.list_usd_reserved) * USD_UNIT),
    spend: Math.round((row.cost_usd ?? row.reserved_usd) * USD_UNIT),
    in_flight: row.status === 'reserved' ? 1 : 0,
    credits: Math.round((row.credits ?? row.credits_reserved) * WEIGHT_UNIT),
  };
}

const bucketOf = (ms: number, size: number) => Math.floor(ms / size) * size;

const UPSERT = `INSERT INTO usage_counters (provider, size_ms, bucket_ms, model, weight_micro, list_nano_usd, spend_nano_usd, in_flight, credits_micro) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (provider, size_ms, bucket_ms, model) DO UPDATE SET
    weight_micro = usage_counters.weight_micro + excluded.weight_micro, list_nano_usd = usage_counters.list_nano_usd + excluded.list_nano_usd,
    spend_nano_usd = usage_counters.spend_nano_usd + excluded.spend_nano_usd, in_flight = usage_counters.in_flight + excluded.in_flight,
    credits_micro = usage_counters.credits_micro + excluded.credits_micro`;

function add(db: Db, provider: string, model: string, started_ms: number, share: Share, sign: 1 | -1): void {
  for (const size of BUCKET_SIZES) {
    db.statement(UPSERT).run(provider, size, bucketOf(started_ms, size), model, sign * share.weight, sign * share.list, sign * share.spend, sign * share.in_flight, sign * share.credits);
  }
}

/**
 * An attempt row was written or changed: move its share from what it was to what it is. Call inside the
 * transaction that changes the row. `before` null: a new row; `after` null: a deleted one.
 */
export function countChange(db: Db, before: CountedAttempt | null, after: CountedAttempt | null): void {
  if (before && after && before.provider === after.provider && before.model === after.model) {
    const old = shareOf(before);
    const now = shareOf(after);
    const delta = { weight: now.weight - old.weight, list: now.list - old.list, spend: now.spend - old.spend, in_flight: now.in_flight - old.in_flight, credits: now.credits - old.credits };
    const moved = BUCKET_SIZES.some((size) => bucketOf(before.started_ms, size) !== bucketOf(after.started_ms, size));
    if (!moved) {
      if (delta.weight !== 0 || delta.list !== 0 || delta.spend !== 0 || delta.in_flight !== 0 || delta.credits !== 0) add(db, after.provider, after.model, after.started_ms, delta, 1);
      return;
    }
  }
  if (before) add(db, before.provider, before.model, before.started_ms, shareOf(before), -1);
  if (after) add(db, after.provider, after.model, after.started_ms, shareOf(after), 1);
}

/** The counted columns of attempt rows, as `countChange` needs them. */
export const COUNTED_COLUMNS = 'provider, model, started_ms, status, weight, list_usd, list_usd_reserved, cost_usd, reserved_usd, credits, credits_reserved';

/**
 * Where a window's buckets start: `edge` is its first counted instant (since_ms, or after_ms + 1 in effect), `whole[i]`
 * the first bucket of size i wholly inside it. Attempts from the edge up to whole[0] are read from the attempts table.
 */
function levelsOf(query: WindowQuery): { exclusive: boolean; edge: number; whole: number[] } {
  const exclusive = query.after_ms !== undefined;
  const edge = exclusive ? (query.after_ms as number) : (query.since_ms ?? 0);
  const finest = BUCKET_SIZES[0];
  const whole = [exclusive ? bucketOf(edge, finest) + finest : Math.ceil(edge / finest) * finest];
  for (let level = 1; level < BUCKET_SIZES.length; level++) whole.push(Math.ceil(whole[level - 1] / BUCKET_SIZES[level]) * BUCKET_SIZES[level]);
  return { exclusive, edge, whole };
}

/** The named parameters of a window's statements: its scope, each level's first bucket and size. */
function parametersOf(query: WindowQuery, whole: number[]): Record<string, string | number> {
  const named: Record<string, string | number> = scope(query);
  whole.forEach((start, level) => {
    named[`w${level}`] = start;
    named[`size${level}`] = BUCKET_SIZES[level];
  });
  return named;
}

/**
 * Usage of one window: attempts with started_ms >= since_ms (or > after_ms) for a provider (and model), summed from
 * at most a tenth of a second of attempt rows and a bounded number of bucket rows. The window has no end: a request
 * the clock says started later still counts, as in a sum over the attempts.
 */
export function usageSince(db: Db, query: WindowQuery): WindowUsage {
  const { exclusive, edge, whole } = levelsOf(query);
  const parameters = parametersOf(query, whole);
  if (whole[0] === edge) {
    const sums = db.statement(bucketSql(query)).get(parameters) as Record<keyof Share, number>;
    return fromUnits(sums, { weight: 0, list: 0, spend: 0, in_flight: 0, credits: 0 });
  }
  // one statement: the edge's partial tenth summed by the database from the covering index, beside the bucket sums.
  // The edge's float sums are turned into the counters' units once, which can differ from rounding each attempt by a
  // few billionths of a dollar, and never in requests for whole weights.
  const row = db.statement(windowSql(query, exclusive)).get({ ...parameters, edge, to: whole[0] }) as Record<string, number>;
  return fromUnits(row as Record<keyof Share, number>, {
    weight: Math.round(row.edge_weight * WEIGHT_UNIT),
    list: Math.round(row.edge_list * USD_UNIT),
    spend: Math.round(row.edge_spend * USD_UNIT),
    in_flight: row.edge_in_flight,
    credits: Math.round(row.edge_credits * WEIGHT_UNIT),
  });
}

function fromUnits(sums: Share, edge: Share): WindowUsage {
  return {
    requests: (edge.weight + sums.weight) / WEIGHT_UNIT,
    list_usd: (edge.list + sums.list) / USD_UNIT,
    spend_usd: (edge.spend + sums.spend) / USD_UNIT,
    in_flight: edge.in_flight + sums.in_flight,
    credits: (edge.credits + sums.credits) / WEIGHT_UNIT,
  };
}

/**
 * When the oldest request with weight counted in the window started (epoch ms), or undefined: the first bucket with
 * weight, narrowed size by size to a tenth of a second, whose attempts are then read. A handful of indexed lookups.
 */
export function oldestSince(db: Db, query: WindowQuery & { provider: string; any_unit?: boolean }): number | undefined {
  const { exclusive, edge, whole } = levelsOf(query);
  const anyUnit = query.any_unit ?? false;
  if (whole[0] > edge) {
    const first = firstWeighted(db, query, exclusive, edge, whole[0], anyUnit);
    if (first !== undefined) return first;
  }
  for (let level = 0; level < BUCKET_SIZES.length; level++) {
    const to = level + 1 < BUCKET_SIZES.length ? whole[level + 1] : Number.MAX_SAFE_INTEGER;
    let bucket = firstBucket(db, query, level, whole[level], to, anyUnit);
    if (bucket === undefined) continue;
    // narrow down: the first weighted minute of that hour, … the first weighted tenth of that second
    for (let finer = level - 1; finer >= 0 && bucket !== undefined; finer--) bucket = firstBucket(db, query, finer, bucket, bucket + BUCKET_SIZES[finer + 1], anyUnit);
    if (bucket === undefined) return undefined;
    return firstWeighted(db, query, false, bucket, bucket + BUCKET_SIZES[0], anyUnit);
  }
  return undefined;
}

/** The oldest attempt with weight from the edge up to (not including) `to`: at most a tenth of a second of them. */
/** `anyUnit`: counted in requests, list USD or credits (a window's oldest); else in requests (the minute's). */
function firstWeighted(db: Db, query: WindowQuery, exclusive: boolean, edge: number, to: number, anyUnit: boolean): number | undefined {
  const sql = cachedSql(`first:${shapeOf(query)}:${exclusive}:${anyUnit}`, () => {
    const counts = anyUnit ? '(weight > 0 OR COALESCE(list_usd, list_usd_reserved) > 0 OR COALESCE(credits, credits_reserved) > 0)' : 'weight > 0';
    // in index order, stopping at the first weighted row: a busy tenth is not read whole
    return `SELECT started_ms FROM attempts WHERE ${edgeFilter(query, exclusive)} AND ${counts} ORDER BY started_ms LIMIT 1`;
  });
  const row = db.statement(sql).get({ ...scope(query), edge, to }) as { started_ms: number } | undefined;
  return row?.started_ms;
}

function firstBucket(db: Db, query: WindowQuery, level: number, from: number, to: number, anyUnit: boolean): number | undefined {
  const sql = cachedSql(`bucket:${shapeOf(query)}:${anyUnit}`, () => {
    const model = modelFilter(query) ? ` AND ${modelFilter(query)}` : '';
    const counts = anyUnit ? '(weight_micro > 0 OR list_nano_usd > 0 OR credits_micro > 0)' : 'weight_micro > 0';
    return `SELECT bucket_ms FROM usage_counters WHERE provider = @provider AND size_ms = @size AND bucket_ms >= @from AND bucket_ms < @to${model} AND ${counts} ORDER BY bucket_ms LIMIT 1`;
  });
  const row = db.statement(sql).get({ ...scope(query), size: BUCKET_SIZES[level], from, to }) as { bucket_ms: number } | undefined;
  return row?.bucket_ms;
}

// The statements' text depends only on the window's shape (a provider or not, how many models), never on its
// times: built once per shape, so that a check does not rebuild (and the statement cache rehash) long SQL each time.
const sqlByShape = new Map<string, string>();
function cachedSql(key: string, build: () => string): string {
  let sql = sqlByShape.get(key);
  if (sql === undefined) {
    sql = build();
    sqlByShape.set(key, sql);
  }
  return sql;
}

function shapeOf(query: WindowQuery): string {
  return `${query.provider === undefined ? '*' : 'p'}${query.models?.length ?? 0}`;
}

/** Attempts from the edge up to (not including) `to`: at most a tenth of a second of them. */
function edgeFilter(query: WindowQuery, exclusive: boolean): string {
  return [query.provider === undefined ? null : 'provider = @provider', modelFilter(query), `started_ms ${exclusive ? '>' : '>='} @edge`, 'started_ms < @to'].filter(Boolean).join(' AND ');
}

/** The edge's attempts summed beside the bucket sums, in one row. */
function windowSql(query: WindowQuery, exclusive: boolean): string {
  return cachedSql(`window:${shapeOf(query)}:${exclusive}`, () => `SELECT edge.weight AS edge_weight, edge.list AS edge_list, edge.spend AS edge_spend, edge.in_flight AS edge_in_flight, edge.credits AS edge_credits,
      buckets.weight, buckets.list, buckets.spend, buckets.in_flight, buckets.credits
    FROM (SELECT COALESCE(SUM(weight), 0) AS weight, COALESCE(SUM(COALESCE(list_usd, list_usd_reserved)), 0) AS list,
      COALESCE(SUM(COALESCE(cost_usd, reserved_usd)), 0) AS spend, COALESCE(SUM(CASE WHEN status = 'reserved' THEN 1 ELSE 0 END), 0) AS in_flight,
      COALESCE(SUM(COALESCE(credits, credits_reserved)), 0) AS credits
    FROM attempts WHERE ${edgeFilter(query, exclusive)}) AS edge, (${bucketSql(query)}) AS buckets`);
}

function scope(query: WindowQuery): Record<string, string> {
  const named: Record<string, string> = {};
  if (query.provider !== undefined) named.provider = query.provider;
  (query.models ?? []).forEach((model, index) => (named[`model${index}`] = model));
  return named;
}

/** `model IN (@model0, …)` for a per-model window, else null */
function modelFilter(query: WindowQuery): string | null {
  const models = query.models ?? [];
  return models.length === 0 ? null : `model IN (${models.map((_model, index) => `@model${index}`).join(', ')})`;
}

/** Each size's whole buckets up to the first whole bucket of the next size; the largest size's whole buckets after. */
function bucketSql(query: WindowQuery): string {
  return cachedSql(`sums:${shapeOf(query)}`, () => {
    const where = [query.provider === undefined ? null : 'provider = @provider', modelFilter(query)].filter(Boolean).map((filter) => `${filter} AND `).join('');
    const parts = BUCKET_SIZES.map((_size, level) => {
      const range = level + 1 < BUCKET_SIZES.length ? `bucket_ms >= @w${level} AND bucket_ms < @w${level + 1}` : `bucket_ms >= @w${level}`;
      return `SELECT weight_micro, list_nano_usd, spend_nano_usd, in_flight, credits_micro FROM usage_counters WHERE ${where}size_ms = @size${level} AND ${range}`;
    });
    return `SELECT COALESCE(SUM(weight_micro), 0) AS weight, COALESCE(SUM(list_nano_usd), 0) AS list, COALESCE(SUM(spend_nano_usd), 0) AS spend, COALESCE(SUM(in_flight), 0) AS in_flight, COALESCE(SUM(credits_micro), 0) AS credits FROM (
    ${parts.join('\n    UNION ALL ')}) AS buckets`;
  });
}

/** Minimal shape of a SQLite connection for the rebuild (better-sqlite3's Database). */
interface Connection {
  prepare(sql: string): { run(...parameters: unknown[]): unknown; iterate(...parameters: unknown[]): IterableIterator<unknown> };
}

/** Drop the counters and sum them again from every attempt row (the migration, and a repair). */
export function rebuildUsageCounters(connection: Connection): void {
  connection.prepare('DELETE FROM usage_counters').run();
  const totals = new Map<string, { provider: string; model: string; size: number; bucket: number; share: Share }>();
  for (const row of connection.prepare(`SELECT ${COUNTED_COLUMNS} FROM attempts`).iterate() as IterableIterator<CountedAttempt>) {
    const share = shareOf(row);
    for (const size of BUCKET_SIZES) {
      const bucket = bucketOf(row.started_ms, size);
      const key = JSON.stringify([row.provider, row.model, size, bucket]);
      const entry = totals.get(key) ?? { provider: row.provider, model: row.model, size, bucket, share: { weight: 0, list: 0, spend: 0, in_flight: 0, credits: 0 } };
      entry.share.weight += share.weight;
      entry.share.list += share.list;
      entry.share.spend += share.spend;
      entry.share.in_flight += share.in_flight;
      entry.share.credits += share.credits;
      totals.set(key, entry);
    }
  }
  const insert = connection.prepare('INSERT INTO usage_counters (provider, size_ms, bucket_ms, model, weight_micro, list_nano_usd, spend_nano_usd, in_flight, credits_micro) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const { provider, model, size, bucket, share } of totals.values()) insert.run(provider, size, bucket, model, share.weight, share.list, share.spend, share.in_flight, share.credits);
}
