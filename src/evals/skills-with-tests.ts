// The skills that carry test cases, and per model how many of them it passed: what `models list` shows and what a
// catalog sync queues trials for. A skill that does not load is `skills validate`'s business, not theirs.
import type { Config, Skill } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { listSkills, loadSkill } from '../skills/index.js';
import { loadSkillTests } from './load-tests.js';
import { routingEvidence } from './evidence.js';
import type { SkillTests } from './types.js';

export function skillsWithTests(config: Pick<Config, 'skills_dirs'>): Array<{ skill: Skill; tests: SkillTests }> {
  const found: Array<{ skill: Skill; tests: SkillTests }> = [];
  const seen = new Set<string>();
  for (const entry of listSkills(config.skills_dirs)) {
    // the first folder's skill of a name is the one `run skill` loads
    if (seen.has(entry.name)) continue;
    seen.add(entry.name);
    if (entry.error) continue;
    try {
      const skill = loadSkill(entry.file);
      const tests = loadSkillTests(skill);
      if (tests && tests.cases.length > 0) found.push({ skill, tests });
    } catch {
      continue;
    }
  }
  return found;
}

export interface ModelEvalCount {
  /** skills whose fresh evidence on this model passes: at least one pass, and the skill's min_pass_rate if it sets one */
  passed: number;
  /** skills with fresh evidence on this model */
  tested: number;
}

/** Per candidate ref (provider/model): of the skills it has fresh evidence on, how many it passed. */
export function modelEvalCounts(config: Config, ledger: Ledger, now_ms: number): Map<string, ModelEvalCount> {
  const counts = new Map<string, ModelEvalCount>();
  for (const { skill } of skillsWithTests(config)) {
    const bar = (skill.quality ?? config.defaults.quality)?.min_pass_rate;
    for (const [ref, evidence] of Object.entries(routingEvidence(ledger, skill, now_ms))) {
      const count = counts.get(ref) ?? { passed: 0, tested: 0 };
      count.tested++;
      if (evidence.passed > 0 && (bar === undefined || evidence.lower_bound >= bar)) count.passed++;
      counts.set(ref, count);
    }
  }
  return counts;
}
