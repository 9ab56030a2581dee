// Eval evidence (portai eval) steering routing, when `quality:` says so. Evidence is a preference, not money:
// `--use` (and so each eval, which names its candidate) is never refused by it.
import type { Candidate, QualityEvidence } from '../../types.js';
import type { Guard, RoutingInput } from './guard.js';
import { reject } from './guard.js';

export const qualityGuard: Guard = (context) => {
  const rule = context.quality;
  if (!rule || context.use !== undefined) return null;
  const evidence = context.evidence?.[context.ref];
  const skill = context.traits.skill;
  // a model only a catalog sync knows is on trial: under avoid (and deny) it is used once it passed on this skill
  const onTrial = context.model.from_catalog === true && rule.untested !== 'allow';
  if (!tested(evidence)) {
    if (onTrial) return reject(context, 'quality', `new model on trial: untested on ${skill} (quality.untested: ${rule.untested})`, `portai eval ${skill} --models ${context.ref} (or let portai worker run the trial models sync queued)`, null);
    if (rule.untested !== 'deny') return null;
    return reject(context, 'quality', `untested on ${skill} (quality.untested: deny)`, `portai eval ${skill} --models ${context.ref}`, null);
  }
  if (onTrial && evidence!.passed === 0) {
    return reject(context, 'quality', `new model on trial: ${describe(evidence!)} on ${skill}, no pass yet`, `improve the skill and run portai eval ${skill} --models ${context.ref} again`, null);
  }
  if (rule.min_pass_rate !== undefined && evidence!.lower_bound < rule.min_pass_rate) {
    return reject(context, 'quality', `${describe(evidence!)} on ${skill}, below min_pass_rate ${rule.min_pass_rate}`, `improve the skill and run portai eval ${skill} again, or lower quality.min_pass_rate`, null);
  }
  return null;
};

/** The candidates with their evidence noted; under `untested: avoid` the tested ones first, each group in route order. */
export function withEvidence(candidates: Candidate[], input: Pick<RoutingInput, 'quality' | 'evidence' | 'use'>): Candidate[] {
  if (!input.quality || input.use !== undefined) return candidates;
  const noted = candidates.map((candidate) => {
    const evidence = input.evidence?.[candidate.ref];
    return { ...candidate, evidence: tested(evidence) ? describe(evidence!) : 'untested on this skill' };
  });
  if (input.quality.untested !== 'avoid') return noted;
  return [...noted.filter((candidate) => tested(input.evidence?.[candidate.ref])), ...noted.filter((candidate) => !tested(input.evidence?.[candidate.ref]))];
}

function tested(evidence: QualityEvidence | undefined): boolean {
  return evidence !== undefined && evidence.passed + evidence.failed > 0;
}

function describe(evidence: QualityEvidence): string {
  return `${evidence.passed}/${evidence.passed + evidence.failed} pass, lower bound ${evidence.lower_bound.toFixed(2)}`;
}
