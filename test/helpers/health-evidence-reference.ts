// Health evidence as it was before the running health counters: every answered attempt of the last hour read and
// weighed one by one. Tests compare the counters' evidence against this, so it must stay the plain, obviously right sum.
import type { HealthEvidence } from '../../src/types.js';
import type { Db } from '../../src/ledger/db.js';

const HOUR_MS = 3_600_000;
const RECENT_MS = 10 * 60_000;
const HALF_LIFE_MS = 15 * 60_000;

interface AttemptFact {
  provider: string;
  model: string;
  status: 'ok' | 'error';
  duration_ms: number | null;
  started_ms: number;
}

export function referenceHealthEvidence(db: Db, now: number): HealthEvidence[] {
  const rows = db
    .statement(
      `SELECT provider, model, status, duration_ms, started_ms FROM attempts
       WHERE started_ms > ? AND status IN ('ok', 'error') AND (client IS NULL OR client <> 'reconcile')
         AND (error_kind IS NULL OR error_kind NOT IN ('quota_exhausted', 'payment_required', 'auth', 'bad_request', 'context_overflow'))`,
    )
    .all(now - HOUR_MS) as AttemptFact[];
  const byModel = new Map<string, AttemptFact[]>();
  for (const row of rows) {
    const key = `${row.provider}/${row.model}`;
    byModel.set(key, [...(byModel.get(key) ?? []), row]);
  }
  return [...byModel.values()].map((facts) => summarise(facts, now)).sort((a, b) => `${a.provider}/${a.model}`.localeCompare(`${b.provider}/${b.model}`));
}

function summarise(facts: AttemptFact[], now: number): HealthEvidence {
  let okWeight = 0;
  let totalWeight = 0;
  let latency = 0;
  let oks = 0;
  let recentFailures = 0;
  for (const fact of facts) {
    const weight = 0.5 ** (Math.max(0, now - fact.started_ms) / HALF_LIFE_MS);
    totalWeight += weight;
    if (fact.status === 'ok') {
      okWeight += weight;
      oks++;
      latency += fact.duration_ms ?? 0;
    } else if (now - fact.started_ms <= RECENT_MS) recentFailures++;
  }
  return {
    provider: facts[0].provider,
    model: facts[0].model,
    total: facts.length,
    ok: oks,
    score: (okWeight + 1) / (totalWeight + 2),
    recent_failures: recentFailures,
    latency_ms: oks > 0 ? Math.round(latency / oks) : null,
  };
}
