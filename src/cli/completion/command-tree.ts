// The commander command tree as plain data, for the completion generators: every command path with its
// subcommands, options and what its first argument is.
import type { Command } from 'commander';

export interface OptionNode {
  /** e.g. ['-i', '--input'] */
  flags: string[];
  takesValue: boolean;
  description: string;
}

export interface CommandNode {
  /** e.g. 'run skill'; '' for the program itself */
  path: string;
  name: string;
  description: string;
  options: OptionNode[];
  commands: CommandNode[];
  /** what the first argument completes to: skill names, fixed words, or files */
  argument?: { kind: 'skill' } | { kind: 'words'; words: string[] } | { kind: 'file' };
}

/** Arguments named like this complete the same way wherever they appear. */
const ARGUMENTS: Record<string, CommandNode['argument']> = {
  shell: { kind: 'words', words: ['bash', 'zsh', 'fish'] },
  files: { kind: 'file' },
};
/** The commands whose argument is a skill name (other `<name>`s are providers, which have no lister yet). */
const SKILL_COMMANDS = new Set(['run skill', 'skills show', 'skills history']);

export function commandTree(program: Command): CommandNode {
  // --version belongs to the program alone
  const globals = optionsOf(program).filter((option) => !option.flags.includes('--version'));
  const walk = (command: Command, path: string): CommandNode => ({
    path,
    name: command.name(),
    description: command.description(),
    // program options (--config, --debug) are accepted after a subcommand too
    options: path === '' ? optionsOf(program) : mergeOptions(optionsOf(command), globals),
    commands: command.commands.map((child) => walk(child, path ? `${path} ${child.name()}` : child.name())),
    argument: SKILL_COMMANDS.has(path) ? { kind: 'skill' } : ARGUMENTS[command.registeredArguments[0]?.name() ?? ''],
  });
  return walk(program, '');
}

/** Every node, the program first. */
export function allNodes(root: CommandNode): CommandNode[] {
  return [root, ...root.commands.flatMap(allNodes)];
}

function optionsOf(command: Command): OptionNode[] {
  const options: OptionNode[] = command.options
    .filter((option) => !option.hidden)
    .map((option) => ({
      flags: [option.short, option.long].filter((flag): flag is string => Boolean(flag)),
      takesValue: option.required || option.optional,
      description: option.description,
    }));
  // commander adds -h/--help to every command without listing it in .options
  return [...options, { flags: ['-h', '--help'], takesValue: false, description: 'display help for command' }];
}

function mergeOptions(own: OptionNode[], globals: OptionNode[]): OptionNode[] {
  const taken = new Set(own.flatMap((option) => option.flags));
  return [...own, ...globals.filter((option) => !option.flags.some((flag) => taken.has(flag)))];
}
