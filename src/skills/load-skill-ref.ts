// `name` or `name@<git-rev>`: a plain name loads the working file (and records its commit when the file
// is clean in git); a revision loads the file as it was in that commit, so a queued run stays reproducible.
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../errors.js';
import type { Skill } from '../types.js';
import { findSkillFile, skillPath } from './find-skill.js';
import { cleanCommitOf, fileAtCommit, repositoryRoot, resolveRevision } from './git.js';
import { loadSkill } from './load-skill.js';
import { checkRevision, checkSkillName } from './skill-ref.js';

/** `commit: false` leaves git unasked: the commit is for the run's record, and a dry run records nothing. */
export function loadSkillRef(ref: string, dirs: string[], options: { commit?: boolean } = {}): Skill {
  const at = ref.indexOf('@');
  if (at < 0) {
    const file = findSkillFile(ref, dirs);
    return loadSkill(file, undefined, { commit: options.commit === false ? undefined : cleanCommitOf(file) });
  }
  const name = ref.slice(0, at);
  const rev = ref.slice(at + 1);
  if (!name || !rev) throw new BadInputError(`'${ref}' is not a skill reference`, { hint: 'write <name> or <name>@<git revision>, e.g. hello@HEAD~1' });
  checkSkillName(name, ref);
  checkRevision(rev, ref);
  return loadAtRevision(name, rev, dirs);
}

function loadAtRevision(name: string, rev: string, dirs: string[]): Skill {
  // the file may be gone from the working tree but present in the revision, so look at every candidate path
  const candidates = workingFileOrCandidates(name, dirs);
  const root = candidates.map((file) => repositoryRoot(path.dirname(file))).find((found) => found !== undefined);
  if (!root) {
    throw new BadInputError(`cannot load ${name}@${rev}: the skills folder is not in a git repository`, {
      hint: `run it without @${rev}, or keep the skills folder in git (git init && git add . && git commit)`,
    });
  }
  const commit = resolveRevision(root, rev);
  if (!commit) throw new BadInputError(`cannot load ${name}@${rev}: git does not know the revision '${rev}' in ${root}`, { hint: `see the skill's revisions with: portai skills history ${name}` });
  for (const file of candidates) {
    if (repositoryRoot(path.dirname(file)) !== root) continue;
    const text = fileAtCommit(commit, file);
    if (text !== undefined) return loadSkill(file, text, { commit });
  }
  throw new BadInputError(`cannot load ${name}@${rev}: commit ${commit.slice(0, 12)} has no ${candidates.map((file) => path.relative(root, file)).join(' or ')}`, {
    hint: `see the commits that have it with: portai skills history ${name}`,
  });
}

function workingFileOrCandidates(name: string, dirs: string[]): string[] {
  try {
    return [findSkillFile(name, dirs)];
  } catch (error) {
    const existing = dirs.filter((dir) => fs.existsSync(dir));
    if (existing.length === 0) throw error;
    return existing.flatMap((dir) => ['.yaml', '.yml'].map((extension) => skillPath(dir, name, extension)));
  }
}
