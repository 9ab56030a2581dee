// The one gate every request passes right before it is sent — first tries, retries, repairs, fallbacks and
// `portai serve` alike: the guards run on a fresh snapshot and the attempt is recorded in the same transaction.
import type { Candidate, Config, Rejection, StepTraits } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { admit, candidateFacts, listWorstUsd, worstUsd } from '../router/index.js';
import { providerWindows } from './endpoint.js';

export interface ReserveAttemptInput {
  config: Config;
  ledger: Ledger;
  candidate: Candidate;
  /** the traits of THIS request: a repair request's prompt is longer than the plan's */
  traits: StepTraits;
  env: Record<string, string | undefined>;
  use?: string;
  run_id: string | null;
  client: string | null;
  now_ms: number;
}

export function reserveAttempt(input: ReserveAttemptInput): { attempt_id: string } | { rejected: Rejection } {
  const { config, ledger, candidate, traits } = input;
  const { provider, model } = candidateFacts(config, candidate.ref);
  return ledger.reserve(
    {
      run_id: input.run_id,
      step_id: traits.step,
      provider: provider.name,
      model: model.id,
      billing: model.billing,
      weight: model.quota_weight ?? 1,
      // counted against budgets until the real cost replaces it; admit() refuses a metered request whose price is unknown
      reserved_usd: worstUsd(traits, model) ?? 0,
      list_usd_reserved: listWorstUsd(traits, model) ?? 0,
      client: input.client,
      now_ms: input.now_ms,
    },
    providerWindows(config),
    (snapshot) => admit(candidate, { config, traits, snapshot, blocks: ledger.activeBlocks(input.now_ms, input.run_id), env: input.env, use: input.use }),
  );
}
