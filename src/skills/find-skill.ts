// Find skills by name in the configured folders. `run skill <name>` loads its own file alone,
// so a broken sibling never stops it; listing and validation report each file on its own.
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError, PortaiError } from '../errors.js';
import { loadSkill } from './load-skill.js';
import { checkSkillName } from './skill-ref.js';

const EXTENSIONS = ['.yaml', '.yml'];

export function findSkillFile(name: string, dirs: string[]): string {
  checkSkillName(name);
  const looked: string[] = [];
  for (const dir of dirs) {
    for (const extension of EXTENSIONS) {
      const file = skillPath(dir, name, extension);
      looked.push(file);
      if (isFile(file)) return file;
    }
  }
  const available = [...new Set(dirs.flatMap(skillFilesIn).map((file) => path.basename(file).replace(/\.ya?ml$/, '')))];
  throw new BadInputError(`no skill named '${name}' (looked for ${looked.join(', ')})`, {
    hint: available.length > 0 ? `skills available: ${available.join(', ')}` : `no skill files in ${dirs.join(', ') || '(no folders configured)'}; add one, or set skills: in portai.yaml`,
  });
}

/** `<dir>/<name><extension>`, refused unless it stays directly inside the folder (the name pattern already ensures it). */
export function skillPath(dir: string, name: string, extension: string): string {
  const folder = path.resolve(dir);
  const file = path.resolve(folder, `${name}${extension}`);
  if (path.dirname(file) !== folder) throw new BadInputError(`'${name}' does not name a file inside ${dir}`, { hint: 'give a skill name, not a path' });
  return file;
}

/** Every skill file of the folders, in folder order; a name found twice is listed once (the first wins). */
export function listSkills(dirs: string[]): Array<{ name: string; file: string; description?: string; error?: string }> {
  const seen = new Set<string>();
  const listed: Array<{ name: string; file: string; description?: string; error?: string }> = [];
  for (const file of dirs.flatMap(skillFilesIn)) {
    const name = path.basename(file).replace(/\.ya?ml$/, '');
    if (seen.has(name)) continue;
    seen.add(name);
    try {
      const skill = loadSkill(file);
      listed.push(skill.description === undefined ? { name, file } : { name, file, description: skill.description });
    } catch (error) {
      listed.push({ name, file, error: describe(error) });
    }
  }
  return listed;
}

export function validateSkillFiles(files: string[]): Array<{ file: string; ok: boolean; error?: string }> {
  return files.map((file) => {
    try {
      loadSkill(file);
      return { file, ok: true };
    } catch (error) {
      return { file, ok: false, error: describe(error) };
    }
  });
}

function describe(error: unknown): string {
  return error instanceof PortaiError ? error.userLines().join('\n') : String((error as Error)?.message ?? error);
}

function skillFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    // <name>.tests.yaml holds a skill's test cases, not a skill
    .filter((name) => EXTENSIONS.includes(path.extname(name)) && !/\.tests\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(dir, name))
    .filter(isFile);
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
