// Eval results as evidence: stored per case run, read back per served model for the skill as it is now.
// A result is stale once the skill's behaviour changed (its content hash), the candidate's catalog entry changed
// (price, context) or left the catalog, or after 30 days. A real run's step whose output never met its schema
// (after the one repair) is evidence too: a failure of that candidate on the skill.
import type { QualityEvidence, Skill } from '../types.js';
import type { EvalResultRow, Ledger } from '../ledger/index.js';
import { contentHash } from '../runner/content-hash.js';
import { wilsonLowerBound } from './stats.js';
import type { CaseRun } from './types.js';

export const STALE_AFTER_MS = 30 * 24 * 3600 * 1000;

/** What the model sees of a skill: its outcome, inputs and steps — not its description or its tests. */
export function skillContentHash(skill: Skill): string {
  return contentHash({ outcome: skill.outcome, inputs: skill.inputs, privacy: skill.privacy ?? null, steps: skill.steps });
}

/** What the last catalog sync says of a candidate, as one comparable string; null when its provider was never synced. */
export function catalogEntryOf(ledger: Pick<Ledger, 'lastSync' | 'catalogOf'>, ref: string, cache = new Map<string, Map<string, string> | null>()): string | null {
  const slash = ref.indexOf('/');
  const provider = ref.slice(0, slash);
  if (!cache.has(provider)) {
    cache.set(provider, ledger.lastSync(provider) === undefined ? null : new Map(ledger.catalogOf(provider).map((row) => [row.id, `price ${row.prompt_price ?? '?'}/${row.completion_price ?? '?'}, context ${row.context ?? '?'}`])));
  }
  const entries = cache.get(provider);
  if (!entries) return null;
  return entries.get(ref.slice(slash + 1)) ?? GONE;
}

const GONE = 'gone from the catalog';

export function saveCaseRun(ledger: Ledger, skill: Skill, run: CaseRun, now_ms: number): void {
  ledger.saveEvalResult({
    catalog_entry: catalogEntryOf(ledger, run.candidate),
    skill: skill.name,
    skill_hash: skillContentHash(skill),
    case_id: run.case_id,
    candidate: run.candidate,
    served_model: run.served_model,
    status: run.status,
    problem: run.problem ?? null,
    cost_usd: run.cost_usd,
    latency_ms: run.latency_ms,
    now_ms,
  });
}

export interface ModelEvidence {
  /** the model that served */
  model: string;
  passed: number;
  failed: number;
  lower_bound: number;
}

export interface SkillEvidence {
  skill_hash: string;
  fresh: EvalResultRow[];
  /** results of another version of the skill, of another catalog entry of the model, or older than 30 days */
  stale: number;
  models: ModelEvidence[];
}

/** A real run's step that never gave valid output on this candidate: a failure of the model on the skill as it is. */
export function saveRunFailure(ledger: Ledger, skill: Skill, failure: { step: string; candidate: string; served_model: string | null; problem: string; cost_usd: number; latency_ms: number }, now_ms: number): void {
  ledger.saveEvalResult({
    skill: skill.name,
    skill_hash: skillContentHash(skill),
    case_id: `run:${failure.step}`,
    candidate: failure.candidate,
    served_model: failure.served_model,
    status: 'fail',
    problem: failure.problem,
    cost_usd: failure.cost_usd,
    latency_ms: failure.latency_ms,
    catalog_entry: catalogEntryOf(ledger, failure.candidate),
    now_ms,
  });
}

/** The evidence that still speaks for the skill as it is now; not-run results are no evidence at all. */
export function skillEvidence(ledger: Ledger, skill: Skill, now_ms: number): SkillEvidence {
  const hash = skillContentHash(skill);
  const rows = ledger.evalResultsOf(skill.name).filter((row) => row.status !== 'not_run');
  const cache = new Map<string, Map<string, string> | null>();
  const fresh = rows.filter((row) => row.skill_hash === hash && now_ms - row.created_ms <= STALE_AFTER_MS && sameCatalogEntry(row, catalogEntryOf(ledger, row.candidate, cache)));
  const byModel = new Map<string, { passed: number; failed: number }>();
  for (const row of fresh) {
    const model = row.served_model ?? row.candidate;
    const counts = byModel.get(model) ?? { passed: 0, failed: 0 };
    if (row.status === 'pass') counts.passed++;
    else counts.failed++;
    byModel.set(model, counts);
  }
  const models = [...byModel].map(([model, counts]) => ({ model, ...counts, lower_bound: wilsonLowerBound(counts.passed, counts.passed + counts.failed) }));
  return { skill_hash: hash, fresh, stale: rows.length - fresh.length, models };
}

/**
 * The model the result measured is the one the catalog lists now: gone means stale; a changed price or context
 * means stale; a result from before the provider's first sync has nothing to compare and stands (until gone or 30 days).
 */
function sameCatalogEntry(row: EvalResultRow, current: string | null): boolean {
  if (current === GONE) return false;
  return row.catalog_entry === null || current === null || row.catalog_entry === current;
}

/** Fresh evidence per candidate ref (what the router chooses between), for the skill as it is now. */
export function routingEvidence(ledger: Ledger, skill: Skill, now_ms: number): Record<string, QualityEvidence> {
  const counts: Record<string, { passed: number; failed: number }> = {};
  for (const row of skillEvidence(ledger, skill, now_ms).fresh) {
    const entry = (counts[row.candidate] ??= { passed: 0, failed: 0 });
    if (row.status === 'pass') entry.passed++;
    else entry.failed++;
  }
  return Object.fromEntries(Object.entries(counts).map(([ref, entry]) => [ref, { ...entry, lower_bound: wilsonLowerBound(entry.passed, entry.passed + entry.failed) }]));
}
