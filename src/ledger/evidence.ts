// Recent health per model: the evidence the router ranks equally-priced candidates by. Read from the running
// health counters (health-counters.ts): whole minutes from the bucket rows, the two partial minutes at the edges
// (an hour ago, ten minutes ago) from their attempt rows, so the figures are exactly those of a sum over the hour's
// attempts, and cost the same whether the hour held ten requests or a hundred thousand.
import type { HealthEvidence } from '../types.js';
import type { Db } from './db.js';
import { EVIDENCE_FILTER, HALF_LIFE_MS, HEALTH_BUCKET_MS, HEALTH_COLUMNS, HOUR_MS, RECENT_MS, growth, healthBucketOf, type HealthFact } from './health-counters.js';

interface Tally {
  provider: string;
  model: string;
  total: number;
  ok: number;
  latency: number;
  recent_failures: number;
  ok_weight: number;
  total_weight: number;
}

interface BucketRow {
  bucket_ms: number;
  provider: string;
  model: string;
  total: number;
  ok: number;
  ok_latency_ms: number;
  failures: number;
  decay_all: number;
  decay_ok: number;
}

/** What a request started at `started_ms` weighs at `now` (one started later than now, by a clock that stepped back, weighs 1). */
const weightAt = (now: number, started_ms: number) => 0.5 ** (Math.max(0, now - started_ms) / HALF_LIFE_MS);

/**
 * Answered attempts started in the last hour (after now − 1 h), per provider and model. Reconcile adjustments and
 * account-wide answers are not evidence (health-counters.ts says why).
 */
export function healthEvidence(db: Db, now: number): HealthEvidence[] {
  const hourEdge = now - HOUR_MS;
  // the minute holding the hour's edge is read from its attempts; every later minute from its bucket row
  const edgeBucket = healthBucketOf(hourEdge);
  const recentEdge = now - RECENT_MS;
  const recentBucket = healthBucketOf(recentEdge);
  const tallies = new Map<string, Tally>();
  const tallyOf = (provider: string, model: string) => {
    const key = `${provider}/${model}`;
    let tally = tallies.get(key);
    if (!tally) tallies.set(key, (tally = { provider, model, total: 0, ok: 0, latency: 0, recent_failures: 0, ok_weight: 0, total_weight: 0 }));
    return tally;
  };

  const buckets = db
    .statement('SELECT bucket_ms, provider, model, total, ok, ok_latency_ms, failures, decay_all, decay_ok FROM health_counters WHERE bucket_ms > ?')
    .all(edgeBucket) as BucketRow[];
  for (const row of buckets) {
    const tally = tallyOf(row.provider, row.model);
    tally.total += row.total;
    tally.ok += row.ok;
    tally.latency += row.ok_latency_ms;
    if (row.bucket_ms > now) {
      // a minute wholly after `now` (a clock that stepped back, another machine's): each of its requests weighs 1
      tally.total_weight += row.total;
      tally.ok_weight += row.ok;
    } else {
      const scale = 0.5 ** ((now - row.bucket_ms) / HALF_LIFE_MS);
      tally.total_weight += scale * row.decay_all;
      tally.ok_weight += scale * row.decay_ok;
    }
    // the recent edge's minute counts whole here; its failures from before the edge are taken out below
    if (row.bucket_ms >= recentBucket) tally.recent_failures += row.failures;
  }

  // the partial minute at the hour's edge: at most one minute of rows, by the started_ms index
  const edgeRows = db
    .statement(`SELECT ${HEALTH_COLUMNS} FROM attempts WHERE started_ms > ? AND started_ms < ? AND ${EVIDENCE_FILTER}`)
    .all(hourEdge, edgeBucket + HEALTH_BUCKET_MS) as HealthFact[];
  for (const fact of edgeRows) {
    const tally = tallyOf(fact.provider, fact.model);
    const weight = weightAt(now, fact.started_ms);
    tally.total++;
    tally.total_weight += weight;
    if (fact.status === 'ok') {
      tally.ok++;
      tally.latency += fact.duration_ms ?? 0;
      tally.ok_weight += weight;
    }
  }

  // failures of the recent edge's minute that started more than 10 minutes ago: at most one minute of rows
  if (recentEdge > recentBucket) {
    const early = db
      .statement(`SELECT ${HEALTH_COLUMNS} FROM attempts WHERE started_ms >= ? AND started_ms < ? AND status = 'error' AND ${EVIDENCE_FILTER}`)
      .all(recentBucket, recentEdge) as HealthFact[];
    for (const fact of early) tallyOf(fact.provider, fact.model).recent_failures--;
  }

  // a request of the current minute started after `now` weighs 1, not more than 1 as its bucket's sum says: at most
  // the rest of one minute of rows, and none when `now` is the clock that recorded them
  const nowBucket = healthBucketOf(now);
  const later = db.statement(`SELECT ${HEALTH_COLUMNS} FROM attempts WHERE started_ms > ? AND started_ms < ? AND ${EVIDENCE_FILTER}`).all(now, nowBucket + HEALTH_BUCKET_MS) as HealthFact[];
  for (const fact of later) {
    const tally = tallyOf(fact.provider, fact.model);
    const counted = 0.5 ** ((now - nowBucket) / HALF_LIFE_MS) * growth(fact.started_ms, nowBucket);
    tally.total_weight += 1 - counted;
    if (fact.status === 'ok') tally.ok_weight += 1 - counted;
  }

  return [...tallies.values()]
    .filter((tally) => tally.total > 0)
    .sort((a, b) => (a.provider === b.provider ? (a.model < b.model ? -1 : a.model > b.model ? 1 : 0) : a.provider < b.provider ? -1 : 1))
    .map((tally) => ({
      provider: tally.provider,
      model: tally.model,
      total: tally.total,
      ok: tally.ok,
      // one imagined success and one failure (a Laplace prior): no evidence scores 0.5, one lucky request is not 1.0
      score: (tally.ok_weight + 1) / (tally.total_weight + 2),
      recent_failures: tally.recent_failures,
      latency_ms: tally.ok > 0 ? Math.round(tally.latency / tally.ok) : null,
    }));
}
