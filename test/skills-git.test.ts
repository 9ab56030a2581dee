// name@rev loading, commit recording and history, against a real temporary git repository.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BadInputError } from '../src/errors.js';
import { loadSkillRef, skillHistory } from '../src/skills/index.js';

const skillText = (greeting: string) => `name: greet
outcome: A greeting.
steps:
  - id: say
    prompt: "${greeting} {{today}}"
`;

let repo: string;
let skills: string;
let first: string;
let second: string;
const git = (...args: string[]) =>
  execFileSync('git', ['-C', repo, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.test' },
  }).trim();

beforeAll(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-git-'));
  skills = path.join(repo, 'skills');
  fs.mkdirSync(skills);
  git('init', '--quiet');
  fs.writeFileSync(path.join(repo, 'README'), 'skills\n');
  git('add', '.');
  git('commit', '--quiet', '-m', 'start');
  fs.writeFileSync(path.join(skills, 'greet.yaml'), skillText('Hello'));
  git('add', '.');
  git('commit', '--quiet', '-m', 'add greet');
  first = git('rev-parse', 'HEAD');
  fs.writeFileSync(path.join(skills, 'greet.yaml'), skillText('Good morning'));
  git('commit', '--quiet', '-am', 'warmer greeting');
  second = git('rev-parse', 'HEAD');
});
afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

function errorOf(run: () => unknown): BadInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof BadInputError) return error;
    throw error;
  }
  throw new Error('expected a BadInputError');
}

describe('loadSkillRef', () => {
  test('name@rev loads the file as it was and records the full sha', () => {
    const old = loadSkillRef('greet@HEAD~1', [skills]);
    expect(old.commit).toBe(first);
    expect(old.source).toBe(skillText('Hello'));
    expect(old.file).toBe(path.join(skills, 'greet.yaml'));
    const bySha = loadSkillRef(`greet@${first.slice(0, 8)}`, [skills]);
    expect(bySha.commit).toBe(first);
  });

  test('a clean file records its last commit; a changed one records none', () => {
    expect(loadSkillRef('greet', [skills]).commit).toBe(second);
    const file = path.join(skills, 'greet.yaml');
    fs.writeFileSync(file, skillText('Hi there'));
    try {
      const changed = loadSkillRef('greet', [skills]);
      expect(changed.commit).toBeUndefined();
      expect(changed.source).toBe(skillText('Hi there'));
    } finally {
      fs.writeFileSync(file, skillText('Good morning'));
    }
  });

  test('an unknown revision, and a commit without the file, are bad input', () => {
    expect(errorOf(() => loadSkillRef('greet@no-such-rev', [skills])).message).toMatch(/git does not know the revision 'no-such-rev'/);
    const error = errorOf(() => loadSkillRef('greet@HEAD~2', [skills]));
    expect(error.message).toMatch(/^cannot load greet@HEAD~2: commit [0-9a-f]{12} has no skills\/greet\.yaml/);
    expect(error.hint).toContain('portai skills history greet');
  });

  test('a skill deleted from the working tree still loads from a revision', () => {
    const file = path.join(skills, 'greet.yaml');
    fs.renameSync(file, `${file}.moved`);
    try {
      expect(loadSkillRef(`greet@${second}`, [skills]).source).toBe(skillText('Good morning'));
    } finally {
      fs.renameSync(`${file}.moved`, file);
    }
  });

  test('outside a git repository a revision is bad input and a plain name has no commit', () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-nogit-'));
    try {
      fs.writeFileSync(path.join(plain, 'greet.yaml'), skillText('Hey'));
      expect(loadSkillRef('greet', [plain]).commit).toBeUndefined();
      expect(errorOf(() => loadSkillRef('greet@HEAD', [plain])).message).toBe('cannot load greet@HEAD: the skills folder is not in a git repository');
    } finally {
      fs.rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe('skillHistory', () => {
  test('lists the commits of the file, newest first', () => {
    const history = skillHistory(path.join(skills, 'greet.yaml'));
    expect(history.map((entry) => entry.commit)).toEqual([second, first]);
    expect(history.map((entry) => entry.subject)).toEqual(['warmer greeting', 'add greet']);
    expect(Number.isNaN(Date.parse(history[0].date))).toBe(false);
  });
});
