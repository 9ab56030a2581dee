// Ranking by evidence: among candidates that cost the same (one provider entry, one billing class) the one that
// has been working comes first. Candidates of another price keep their place, so ranking never makes a run pay more.
import type { Candidate, HealthEvidence } from '../types.js';

export function rankCandidates(candidates: Candidate[], evidence: HealthEvidence[]): Candidate[] {
  const facts = new Map(evidence.map((entry) => [`${entry.provider}/${entry.model}`, entry]));
  const ranked = [...candidates];
  const groups = new Map<string, number[]>();
  candidates.forEach((candidate, index) => {
    const key = `${candidate.provider}\u0000${candidate.billing}`;
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  for (const positions of groups.values()) {
    const members = positions.map((position) => ({ candidate: candidates[position], position, fact: facts.get(`${candidates[position].provider}/${candidates[position].model}`) }));
    members.sort((a, b) => compare(a.fact, b.fact) || a.position - b.position);
    positions.forEach((position, index) => (ranked[position] = members[index].candidate));
  }
  return ranked;
}

/** Higher decaying success score first, then fewer recent failures, then lower latency; ties keep config order. */
function compare(a: HealthEvidence | undefined, b: HealthEvidence | undefined): number {
  const scoreA = scoreOf(a);
  const scoreB = scoreOf(b);
  // scores within a hair are a tie: a few milliseconds of decay must not reshuffle two healthy models
  if (Math.abs(scoreA - scoreB) > 0.01) return scoreB - scoreA;
  const failures = (a?.recent_failures ?? 0) - (b?.recent_failures ?? 0);
  if (failures !== 0) return failures;
  const latencyA = a?.latency_ms ?? null;
  const latencyB = b?.latency_ms ?? null;
  if (latencyA === null || latencyB === null) return 0;
  // latency alone decides only past a 20 % difference: ordinary jitter keeps config order
  return Math.abs(latencyA - latencyB) > 0.2 * Math.min(latencyA, latencyB) ? latencyA - latencyB : 0;
}

/**
 * Only failures move a candidate back: a model that has not failed in the hour (or not been tried) keeps its place,
 * so one lucky answer never puts an untried model of the route behind another.
 */
function scoreOf(evidence: HealthEvidence | undefined): number {
  return evidence === undefined || evidence.ok === evidence.total ? 1 : evidence.score;
}

/** "b:free 44/44 ok in the last hour; a:free 4/5" */
export function evidenceLine(candidates: Candidate[], evidence: HealthEvidence[]): string | null {
  const facts = new Map(evidence.map((entry) => [`${entry.provider}/${entry.model}`, entry]));
  const parts = candidates.map((candidate) => {
    const fact = facts.get(`${candidate.provider}/${candidate.model}`);
    return fact ? `${candidate.ref} ${fact.ok}/${fact.total} ok` : `${candidate.ref} no requests`;
  });
  if (!candidates.some((candidate) => facts.has(`${candidate.provider}/${candidate.model}`))) return null;
  return `${parts.join('; ')} in the last hour`;
}
