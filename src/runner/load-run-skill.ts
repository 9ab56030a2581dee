// The skill a stored run was made from, found by what the run recorded — its file and content hash, or its commit —
// never by looking its name up from the current folder, so a run resumes (or a queued run works) from anywhere and
// does not change under an edit.
import { BadInputError } from '../errors.js';
import type { Skill } from '../types.js';
import type { RunRow } from '../ledger/index.js';
import { fileAtCommit, loadSkill } from '../skills/index.js';

export function loadRunSkill(run: Pick<RunRow, 'id' | 'skill' | 'skill_file' | 'skill_hash' | 'skill_commit'>): Skill {
  if (run.skill_commit) {
    const text = fileAtCommit(run.skill_commit, run.skill_file);
    if (text !== undefined) return loadSkill(run.skill_file, text, { commit: run.skill_commit });
  }
  const skill = loadSkill(run.skill_file);
  if (skill.hash !== run.skill_hash) {
    throw new BadInputError(`${run.skill_file} changed since run ${run.id} started (sha256 ${run.skill_hash.slice(0, 12)} then, ${skill.hash.slice(0, 12)} now)`, {
      hint: `undo the edit to resume this run, or start a new one with: portai run skill ${run.skill}`,
    });
  }
  return skill;
}
