// The one gate every request passes right before it is sent — first tries, retries, repairs, fallbacks and
// `portai serve` alike: the guards run on a fresh snapshot and the attempt is recorded in the same transaction.
import type { Candidate, Config, Rejection, StepTraits, UsageSnapshot } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { admit, candidateFacts, listWorstUsd, worstUsd } from '../router/index.js';
import { requestWeight, worstCredits } from '../router/draw.js';
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
  /** the run's later LLM steps: each gets one request held in the same transaction (admission of the whole run) */
  holds?: LaterStep[];
  /** the snapshot the request was planned on at now_ms: the ledger judges by it again if nothing was written since */
  planned?: UsageSnapshot;
}

/** A later LLM step as admission sees it: its traits (prompt estimated from the template) and its planned candidates. */
export interface LaterStep {
  traits: StepTraits;
  candidates: Candidate[];
}

export function reserveAttempt(input: ReserveAttemptInput): { attempt_id: string } | { rejected: Rejection } {
  const { config, ledger, candidate, traits } = input;
  const { provider, model } = candidateFacts(config, candidate.ref);
  // --offline: this machine's local ledger cannot see what the others spent or used, so only free requests go out
  if (ledger.offline && model.billing !== 'free') {
    return {
      rejected: {
        ref: candidate.ref,
        provider: provider.name,
        model: model.id,
        guard: model.billing === 'metered' ? 'spend' : 'quota',
        reason: `offline: ${model.billing} models are not used without the shared ledger (its spend and quota windows are not visible from here)`,
        unblock: 'run again without --offline once the shared ledger database is reachable',
      },
    };
  }
  const blocks = () => ledger.activeBlocks(input.now_ms, input.run_id);
  const holds = (input.holds ?? []).map((later) => ({
    step_id: later.traits.step,
    options: later.candidates.map((option) => {
      const facts = candidateFacts(config, option.ref);
      return {
        provider: option.provider,
        weight: requestWeight(facts.model, facts.provider.limits, input.now_ms),
        credits: worstCredits(later.traits, facts.model, facts.provider.limits, input.now_ms) ?? 0,
        admit: (snapshot: Parameters<typeof admit>[1]['snapshot']) => {
          const rejection = admit(option, { config, traits: later.traits, snapshot, blocks: blocks(), env: input.env });
          return rejection ? { ...rejection, reason: `later step ${later.traits.step} could not run: ${rejection.reason}` } : null;
        },
      };
    }),
  }));
  return ledger.reserve(
    {
      run_id: input.run_id,
      step_id: traits.step,
      provider: provider.name,
      model: model.id,
      billing: model.billing,
      // the weight and credits of this instant: at Z.AI's peak hours a GLM-5.x request draws more
      weight: requestWeight(model, provider.limits, input.now_ms),
      // counted against budgets until the real cost replaces it; admit() refuses a metered request whose price is unknown
      reserved_usd: worstUsd(traits, model) ?? 0,
      list_usd_reserved: listWorstUsd(traits, model) ?? 0,
      credits_reserved: worstCredits(traits, model, provider.limits, input.now_ms) ?? 0,
      client: input.client,
      now_ms: input.now_ms,
    },
    providerWindows(config, input.now_ms),
    (snapshot) => admit(candidate, { config, traits, snapshot, blocks: blocks(), env: input.env, use: input.use }),
    holds,
    input.planned,
  );
}
