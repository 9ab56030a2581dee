// portai skills validate [files...] — every skill when no file is named; exit 2 when any is broken
import path from 'node:path';
import { loadConfigFor, type GlobalOptions } from '../context.js';

export default async function skillsValidate(globals: GlobalOptions, files: string[]): Promise<number> {
  const { listSkills, validateSkillFiles } = await import('../../skills/index.js');
  let targets = files;
  if (targets.length === 0) {
    const config = await loadConfigFor(globals);
    targets = listSkills(config.skills_dirs).map((skill) => skill.file);
  }
  const { loadSkillTests } = await import('../../evals/index.js');
  const { loadSkill } = await import('../../skills/index.js');
  const { PortaiError } = await import('../../errors.js');
  // a skill's tests (its tests: block or <name>.tests.yaml) are checked with it
  // a tests file named on the command line (skills/*.yaml matches it) is checked through its skill
  const skillFiles = [...new Set(targets.map((file) => path.resolve(file).replace(/\.tests(\.ya?ml)$/, '$1')))];
  const results = validateSkillFiles(skillFiles).map((result) => {
    if (!result.ok) return result;
    try {
      loadSkillTests(loadSkill(result.file));
      return result;
    } catch (error) {
      return { file: result.file, ok: false, error: error instanceof PortaiError ? error.userLines().join('\n') : String(error) };
    }
  });
  for (const result of results) {
    if (result.ok) process.stdout.write(`ok      ${path.relative(process.cwd(), result.file) || result.file}\n`);
    else process.stdout.write(`broken  ${result.error}\n`);
  }
  const broken = results.filter((result) => !result.ok).length;
  process.stderr.write(`${results.length - broken} ok, ${broken} broken\n`);
  return broken > 0 ? 2 : 0;
}
