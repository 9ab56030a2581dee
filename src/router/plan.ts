// plan(): the route's candidates in order, each passed through every guard. Pure: the runner stores the
// result with the run, so "why did it pick X?" always has an answer.
import type { Candidate, Plan, Rejection } from '../types.js';
import type { GuardContext, RoutingInput } from './guards/index.js';
import { PLAN_GUARDS, ADMIT_GUARDS, firstRejection, withEvidence } from './guards/index.js';
import { candidateFacts, expandRefs } from './expand-refs.js';
import { chooseRoute } from './named-refs.js';
import { expectedUsd, promptTokens, worstUsd } from './cost.js';
import { matchRule } from './match-rule.js';
import { rankCandidates } from './rank.js';

export type PlanInput = RoutingInput & { env: Record<string, string | undefined> };

export function plan(input: PlanInput): Plan {
  const route = chooseRoute(input.config, input.traits, input.use);
  const allowed: Candidate[] = [];
  const rejected: Rejection[] = [];
  for (const { ref } of expandRefs(route.use, input.config)) {
    const context = contextFor(input, ref, route.use);
    const rejection = firstRejection(PLAN_GUARDS, context);
    if (rejection) rejected.push(rejection);
    else allowed.push(candidateOf(context));
  }
  const order = route.rule === null ? 'fixed' : (input.config.routes[route.rule]?.order ?? 'ranked');
  const health = input.health ?? [];
  // recent health orders equally-priced candidates; then eval evidence, when a quality rule applies: each candidate
  // says what it showed, and untested ones go last under `avoid`
  const candidates = withEvidence(order === 'ranked' ? rankCandidates(allowed, health) : allowed, input);
  const known = new Set(candidates.map((candidate) => `${candidate.provider}/${candidate.model}`));
  return {
    step: input.traits.step,
    rule: route.rule,
    rule_text: route.rule_text,
    candidates,
    rejected,
    prompt_tokens_estimate: promptTokens(input.traits),
    estimate_usd: estimate(candidates),
    order,
    health: order === 'ranked' ? health.filter((entry) => known.has(`${entry.provider}/${entry.model}`)) : undefined,
  };
}

/**
 * The last word before a request is sent: spend, quota, health and cost alarm against a FRESH snapshot.
 * The ledger calls it inside its reservation transaction, so two processes cannot both take the last slot.
 */
export function admit(candidate: Pick<Candidate, 'ref'>, input: RoutingInput): Rejection | null {
  const use = input.use !== undefined ? [input.use] : (input.config.routes[matchRule(input.config.routes, input.traits) ?? -1]?.use ?? []);
  return firstRejection(ADMIT_GUARDS, contextFor(input, candidate.ref, use));
}

function contextFor(input: RoutingInput, ref: string, named: string[]): GuardContext {
  const { provider, model } = candidateFacts(input.config, ref);
  return { ...input, ref, provider, model, named };
}

function candidateOf(context: GuardContext): Candidate {
  return {
    ref: context.ref,
    provider: context.provider.name,
    model: context.model.id,
    billing: context.model.billing,
    worst_usd: worstUsd(context.traits, context.model),
    expected_usd: expectedUsd(context.traits, context.model),
  };
}

/** low = cheapest allowed, expected = the first allowed, high = the largest worst case; unknown stays null. */
function estimate(candidates: Candidate[]): Plan['estimate_usd'] {
  if (candidates.length === 0) return { low: null, expected: null, high: null };
  const expected = candidates.map((candidate) => candidate.expected_usd);
  const worst = candidates.map((candidate) => candidate.worst_usd);
  const known = (values: Array<number | null>): values is number[] => values.every((value) => value !== null);
  return {
    low: known(expected) ? Math.min(...expected) : null,
    expected: candidates[0].expected_usd,
    high: known(worst) ? Math.max(...worst) : null,
  };
}
