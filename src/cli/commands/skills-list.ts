// portai skills list
import { loadConfigFor, printJson, type GlobalOptions } from '../context.js';

export default async function skillsList(globals: GlobalOptions, options: { json?: boolean }): Promise<number> {
  const config = await loadConfigFor(globals);
  const { listSkills } = await import('../../skills/index.js');
  const skills = listSkills(config.skills_dirs);
  if (options.json) {
    printJson(skills);
    return 0;
  }
  if (skills.length === 0) process.stdout.write(`no skills in ${config.skills_dirs.join(', ')}\n`);
  const width = Math.max(0, ...skills.map((skill) => skill.name.length));
  for (const skill of skills) {
    const text = skill.error ? `BROKEN: ${skill.error}` : (skill.description ?? '');
    process.stdout.write(`${skill.name.padEnd(width)}  ${text}\n`);
  }
  return 0;
}
