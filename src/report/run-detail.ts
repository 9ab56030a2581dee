// `portai runs show --json` and the dashboard's /api/runs/:id: a run with its attempts, plans, prompts and effects.
// The id is a run id or the id of the queue job that holds the run.
import type { Ledger } from '../ledger/index.js';

export function runDetail(ledger: Ledger, id: string) {
  const run = ledger.getRun(id) ?? ledger.getRun(ledger.findJob(id)?.run_id ?? '');
  if (!run) return undefined;
  return { ...run, attempts: ledger.attemptsOf(run.id), plans: ledger.getPlans(run.id), prompts: ledger.getPrompts(run.id), effects: ledger.effectsOf(run.id) };
}

export type RunDetail = NonNullable<ReturnType<typeof runDetail>>;
