// What every guard sees, and what it answers: a rejection with its reason, or null to let it pass.
import type { CatalogStatus, Config, GuardName, HealthBlock, HealthEvidence, QualityEvidence, QualityRule, Rejection, ResolvedModel, ResolvedProvider, StepTraits, UsageSnapshot } from '../../types.js';

/** Everything routing decides from: data in, data out. */
export interface RoutingInput {
  config: Config;
  traits: StepTraits;
  snapshot: UsageSnapshot;
  blocks: HealthBlock[];
  catalog?: CatalogStatus[];
  /** recent health per model, for ranking equally-priced candidates (none: config order) */
  health?: HealthEvidence[];
  env?: Record<string, string | undefined>;
  /** `--use provider/model`: that one candidate, still guarded */
  use?: string;
  /** `--dry-run` needs no keys */
  ignoreKeys?: boolean;
  /** the skill's (or the defaults') quality rule, and the fresh eval evidence per candidate ref */
  quality?: QualityRule;
  evidence?: Record<string, QualityEvidence>;
}

export interface GuardContext extends RoutingInput {
  ref: string;
  provider: ResolvedProvider;
  model: ResolvedModel;
  /** the `use` entries that chose this candidate (the matched rule's, or `--use`): what counts as naming it */
  named: string[];
}

export type Guard = (context: GuardContext) => Rejection | null;

export function reject(
  context: GuardContext,
  guard: GuardName,
  reason: string,
  unblock: string | undefined,
  until_ms: number | null,
): Rejection {
  return { ref: context.ref, provider: context.provider.name, model: context.model.id, guard, reason, unblock, until_ms };
}
