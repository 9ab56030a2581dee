// portai skills show <name>
import { loadConfigFor, type GlobalOptions } from '../context.js';

export default async function skillsShow(globals: GlobalOptions, name: string): Promise<number> {
  const config = await loadConfigFor(globals);
  const { loadSkillRef } = await import('../../skills/index.js');
  const skill = loadSkillRef(name, config.skills_dirs);
  process.stdout.write(`# ${skill.file}${skill.commit ? ` @ ${skill.commit.slice(0, 12)}` : ''}\n`);
  process.stdout.write(skill.source.endsWith('\n') ? skill.source : `${skill.source}\n`);
  return 0;
}
