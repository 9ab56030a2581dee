// Fix a run's inputs and time once, when it is created: a resumed or deferred run sees the same `now` and `today`.
import type { Config, Skill } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { resolveInputs, runTime, systemTimezone } from '../skills/index.js';

export interface PreparedRun {
  inputs: Record<string, unknown>;
  time: { now_utc: string; today: string; timezone: string };
}

export function prepareRun(skill: Skill, given: Record<string, unknown>, config: Config, clock: () => number): PreparedRun {
  const timezone = timezoneFor(skill, given, config);
  const time = runTime(new Date(clock()), timezone);
  const inputs = resolveInputs(skill, given, time) as Record<string, unknown>;
  return { inputs, time };
}

export function createRunRecord(ledger: Ledger, skill: Skill, prepared: PreparedRun, status: 'running' | 'queued', config: Pick<Config, 'file'>): string {
  return ledger.createRun({
    config_file: config.file,
    skill: skill.name,
    skill_file: skill.file,
    skill_hash: skill.hash,
    skill_commit: skill.commit ?? null,
    inputs: prepared.inputs,
    now_utc: prepared.time.now_utc,
    today: prepared.time.today,
    status,
  });
}

/** DESIGN.md: the skill's `timezone` input if it has one, else the config's, else the system's. */
export function timezoneFor(skill: Skill, given: Record<string, unknown>, config: Config): string {
  const fromInput = given.timezone ?? (skill.inputs.timezone?.default as unknown);
  if (skill.inputs.timezone && typeof fromInput === 'string' && fromInput && !fromInput.includes('{{')) return fromInput;
  return config.timezone ?? systemTimezone();
}
