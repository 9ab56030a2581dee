// portai init — write a starter portai.yaml and an example skill, never over the user's files unless --force
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../errors.js';
import type { GlobalOptions } from '../context.js';

export default async function init(_globals: GlobalOptions, options: { force?: boolean }): Promise<number> {
  const { defaultConfigYaml, packageRoot } = await import('../../config/index.js');
  const configFile = path.resolve('portai.yaml');
  const skillFile = path.resolve('skills', 'hello.yaml');
  for (const file of [configFile, skillFile]) {
    if (fs.existsSync(file) && !options.force) {
      throw new BadInputError(`${path.relative(process.cwd(), file)} already exists`, { hint: 'edit it, or run `portai init --force` to overwrite' });
    }
  }
  writeAtomically(configFile, defaultConfigYaml());
  fs.mkdirSync(path.dirname(skillFile), { recursive: true });
  writeAtomically(skillFile, fs.readFileSync(path.join(packageRoot(), 'skills', 'hello.yaml'), 'utf8'));
  process.stdout.write(`wrote portai.yaml and skills/hello.yaml\nnext: export OPENROUTER_API_KEY=… and run: portai run skill hello\n`);
  return 0;
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}
