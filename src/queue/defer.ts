// `run skill --defer`: validate everything now (bad input is exit 2 at once), then store the run for the worker.
import type { Config, Skill } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { prepareRun, createRunRecord } from '../runner/prepare-run.js';

export interface DeferInput {
  config: Config;
  ledger: Ledger;
  skill: Skill;
  given: Record<string, unknown>;
  env: Record<string, string | undefined>;
  clock?: () => number;
}

export function deferRun(input: DeferInput): string {
  const clock = input.clock ?? (() => input.ledger.now());
  const prepared = prepareRun(input.skill, input.given, input.config, clock);
  const runId = createRunRecord(input.ledger, input.skill, prepared, 'queued', input.config);
  input.ledger.enqueue({ run_id: runId, skill: input.skill.name, not_before_ms: clock() });
  return runId;
}
