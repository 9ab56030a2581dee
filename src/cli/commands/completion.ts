// portai completion bash|zsh|fish — a completion script generated from the command tree itself, so it
// never falls behind the commands.
import type { Command } from 'commander';
import { BadInputError } from '../../errors.js';
import type { GlobalOptions } from '../context.js';
import { commandTree } from '../completion/command-tree.js';
import { bashCompletion } from '../completion/bash.js';
import { zshCompletion } from '../completion/zsh.js';
import { fishCompletion } from '../completion/fish.js';

const GENERATORS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion };

export default async function completion(_globals: GlobalOptions, shell: string, _options: object, command: Command): Promise<number> {
  const generate = GENERATORS[shell as keyof typeof GENERATORS];
  if (!generate) throw new BadInputError(`completion ${shell}: unknown shell`, { hint: `use one of: ${Object.keys(GENERATORS).join(', ')}` });
  let program = command;
  while (program.parent) program = program.parent;
  process.stdout.write(generate(commandTree(program)));
  return 0;
}
