// Pieces the completion generators share: POSIX quoting and `case` arms (bash and zsh), and the list of
// "<command path>|<flag>" keys for options that take a value, so a completer skips the value (all three shells).
import type { CommandNode } from './command-tree.js';

/** A single-quoted word for bash and zsh. */
export function posixQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** One `'<path>') <text> ;;` arm per node that has something to say. */
export function caseArms(nodes: CommandNode[], body: (node: CommandNode) => string | undefined): string {
  return nodes
    .map((node) => [node, body(node)] as const)
    .filter(([, text]) => text !== undefined)
    .map(([node, text]) => `    ${posixQuote(node.path)}) ${text} ;;`)
    .join('\n');
}

export function valueFlagKeys(nodes: CommandNode[], quote: (text: string) => string): string[] {
  return nodes.flatMap((node) => node.options.filter((option) => option.takesValue).flatMap((option) => option.flags.map((flag) => quote(`${node.path}|${flag}`))));
}
