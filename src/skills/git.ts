// The few git questions skills ask, answered by the git command (execFileSync, no shell).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { BadInputError } from '../errors.js';

function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024 });
}

/** The repository root holding `dir`, or undefined outside a repository (or without git). */
export function repositoryRoot(dir: string): string | undefined {
  try {
    return git(dir, ['rev-parse', '--show-toplevel']).trim();
  } catch {
    return undefined;
  }
}

/** The full sha of a revision, or undefined when the repository does not know it. */
export function resolveRevision(root: string, rev: string): string | undefined {
  try {
    return git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The text of a file at a commit, or undefined when the file is not in it. */
export function fileAtCommit(commit: string, file: string): string | undefined {
  try {
    // `<rev>:./<name>` is relative to -C, which spares us mapping symlinked temp paths to the repository root
    return git(path.dirname(file), ['show', `${commit}:./${path.basename(file)}`]);
  } catch {
    return undefined;
  }
}

/** The last commit of a file when the file is unchanged from it (not modified, not staged); else undefined. */
export function cleanCommitOf(file: string): string | undefined {
  const dir = path.dirname(file);
  try {
    const commit = git(dir, ['log', '-1', '--format=%H', '--', path.basename(file)]).trim();
    if (!commit) return undefined;
    git(dir, ['diff', '--quiet', 'HEAD', '--', path.basename(file)]);
    return commit;
  } catch {
    return undefined; // not a repository, no git, or `diff --quiet` found a change (exit 1)
  }
}

export function skillHistory(file: string): Array<{ commit: string; date: string; subject: string }> {
  const dir = path.dirname(file);
  let output: string;
  try {
    output = git(dir, ['log', '--follow', '--format=%H%x09%cI%x09%s', '--', path.basename(file)]);
  } catch (error) {
    throw new BadInputError(`cannot read the git history of ${file}: ${firstLine(error)}`, {
      place: { file },
      hint: 'keep your skills folder in a git repository (git init, git add, git commit)',
    });
  }
  return output
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [commit, date, ...subject] = line.split('\t');
      return { commit, date, subject: subject.join('\t') };
    });
}

export function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: string })?.stderr;
  return String(stderr || (error as Error)?.message || error).trim().split('\n')[0];
}
