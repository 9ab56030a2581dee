// The skill a stored run was made from: the committed version when the run recorded a commit (so a resumed or
// queued run does not change under an edit), else the file it was loaded from.
import type { Skill } from '../types.js';
import type { RunRow } from '../ledger/index.js';
import { loadSkill, loadSkillRef } from '../skills/index.js';

export function loadRunSkill(run: Pick<RunRow, 'skill' | 'skill_file' | 'skill_commit'>, skillsDirs: string[]): Skill {
  return run.skill_commit ? loadSkillRef(`${run.skill}@${run.skill_commit}`, skillsDirs) : loadSkill(run.skill_file);
}
