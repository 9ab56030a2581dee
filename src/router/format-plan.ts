// Plans as people read them: `--dry-run`, `runs show`, and the exit-3 message.
import type { Plan, Rejection } from '../types.js';
import { formatUsd } from './cost.js';
import { formatUtc } from './time.js';
import { evidenceLine } from './rank.js';

export function formatPlan(plan: Plan): string[] {
  const { low, expected, high } = plan.estimate_usd;
  const cost = plan.candidates.length > 0 ? `; est. cost ${formatUsd(expected)} (low ${formatUsd(low)}, worst ${formatUsd(high)})` : '';
  const lines = [`rule: ${plan.rule_text}`, `prompt ~${plan.prompt_tokens_estimate} tokens${cost}`];
  if (plan.candidates.length === 0) lines.push('candidates: none');
  else lines.push('candidates:');
  plan.candidates.forEach((candidate, index) => {
    lines.push(`  ${index + 1}. ${candidate.ref} (${candidate.billing}, est. ${formatUsd(candidate.expected_usd)}, worst ${formatUsd(candidate.worst_usd)})${candidate.evidence ? ` — ${candidate.evidence}` : ''}`);
  });
  const evidence = plan.order === 'ranked' && plan.health ? evidenceLine(plan.candidates, plan.health) : null;
  if (evidence) lines.push(`ranked by recent health: ${evidence}`);
  else if (plan.order === 'fixed' && plan.candidates.length > 1) lines.push('order: fixed (as the route lists them)');
  if (plan.rejected.length > 0) lines.push('rejected:');
  for (const rejection of plan.rejected) lines.push(`  ${rejectionLine(rejection)}`);
  return lines;
}

export function rejectionLine(rejection: Rejection): string {
  const unblock = rejection.unblock ? ` (unblock: ${rejection.unblock})` : '';
  return `${rejection.ref} — ${rejection.guard}: ${rejection.reason}${unblock}`;
}

/** Why a step has no candidate and what would change that. */
export function blockedSummary(plan: Plan): string[] {
  if (plan.rejected.length === 0) return [`no candidate for step ${plan.step}: the route (${plan.rule_text}) lists no model`];
  const counts = new Map<string, number>();
  for (const rejection of plan.rejected) counts.set(rejection.guard, (counts.get(rejection.guard) ?? 0) + 1);
  const byGuard = [...counts].map(([guard, count]) => `${guard} ×${count}`).join(', ');
  const lines = [`blocked by: ${byGuard}`, ...plan.rejected.map((rejection) => `  ${rejectionLine(rejection)}`)];
  // the quiet case issue 12 found: a private step whose whole route may train; say it in one line first
  if (plan.rejected.every((rejection) => rejection.guard === 'privacy')) lines.unshift(`every candidate of ${plan.rule_text} is refused for private skills`);
  const times = plan.rejected.map((rejection) => rejection.until_ms).filter((until): until is number => typeof until === 'number');
  if (times.length > 0) lines.push(`the earliest block ends at ${formatUtc(Math.min(...times))}`);
  else lines.push('no block ends by itself: change the config or the skill as shown above');
  return lines;
}
