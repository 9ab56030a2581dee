// Skills with `schedule:` are enqueued when due. A schedule missed while no worker ran runs once when one starts.
import { Cron } from 'croner';
import type { Config, Skill } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { listSkills, loadSkill } from '../skills/index.js';
import { deferRun } from './defer.js';
import type { Progress } from '../runner/progress.js';

export function enqueueDueSchedules(config: Config, ledger: Ledger, env: Record<string, string | undefined>, now: number, progress: Progress): string[] {
  const queued: string[] = [];
  for (const entry of listSkills(config.skills_dirs)) {
    if (entry.error) continue;
    let skill: Skill;
    try {
      skill = loadSkill(entry.file);
    } catch {
      continue;
    }
    if (!skill.schedule) continue;
    const last = ledger.lastScheduled(skill.name);
    if (last === undefined) {
      // first sight of this schedule: start counting from now rather than firing at once
      ledger.setLastScheduled(skill.name, now);
      continue;
    }
    const cron = new Cron(skill.schedule.cron, { timezone: config.timezone, paused: true });
    const next = cron.nextRun(new Date(last));
    if (next && next.getTime() <= now) {
      const runId = deferRun({ config, ledger, skill, given: skill.schedule.inputs ?? {}, env, clock: () => now });
      ledger.setLastScheduled(skill.name, now);
      progress.info(`schedule ${skill.schedule.cron}: queued ${skill.name} as ${runId}`);
      queued.push(runId);
    }
  }
  return queued;
}
