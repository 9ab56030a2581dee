// What a user may type as a skill: a name of the skill-name pattern, optionally `@<git revision>`. Nothing
// else reaches the file system or git, so `../../outside/evil`, `/etc/x` or `hello@HEAD:../x` can never load
// (or run) a file outside the configured skills folders.
import { BadInputError } from '../errors.js';

/** The `name` pattern of schemas/skill.schema.json (a test keeps the two equal). */
export const SKILL_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * A branch, tag, sha, `HEAD~2`, `main^`, `HEAD@{1}`: refs as git-check-ref-format allows them, without the
 * `<rev>:<path>` form (a path into the tree), ranges (`..`), a leading `-` (an option to git) or spaces.
 */
const REVISION_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_./~^@{}-]*$/;

export function checkSkillName(name: string, typed = name): void {
  if (SKILL_NAME_PATTERN.test(name)) return;
  throw new BadInputError(`'${typed}' is not a skill name: a name is lower-case letters, digits, '-' and '_' (no paths)`, {
    hint: 'give the name of a skill in your skills folders (see: portai skills list), e.g. portai run skill hello; to check a file elsewhere use: portai skills validate <file>',
  });
}

export function checkRevision(rev: string, typed: string): void {
  if (REVISION_PATTERN.test(rev) && !rev.includes('..') && !rev.endsWith('.') && !rev.endsWith('/')) return;
  throw new BadInputError(`'${typed}': '${rev}' is not a git revision portai accepts`, {
    hint: 'write <name>@<branch, tag, commit or HEAD~N>, e.g. hello@HEAD~1 (see: portai skills history <name>)',
  });
}
