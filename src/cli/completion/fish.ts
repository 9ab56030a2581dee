// A fish completion script generated from the command tree: one `complete` line per subcommand and option,
// each guarded by the command path typed so far.
import { allNodes, type CommandNode } from './command-tree.js';
import { valueFlagKeys } from './shell-parts.js';

export function fishCompletion(root: CommandNode): string {
  const nodes = allNodes(root);
  const lines: string[] = [];
  for (const node of nodes) {
    const at = `-n ${quote(`__portai_at ${quote(node.path)}`)}`;
    for (const child of node.commands) lines.push(`complete -c portai ${at} -a ${quote(child.name)} -d ${quote(child.description)}`);
    for (const option of node.options) {
      const flags = option.flags.map((flag) => (flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`)).join(' ');
      lines.push(`complete -c portai ${at} ${flags}${option.takesValue ? ' -r -F' : ''} -d ${quote(option.description)}`);
    }
    const argument = node.argument;
    if (argument?.kind === 'words') lines.push(`complete -c portai ${at} -a ${quote(argument.words.join(' '))}`);
    if (argument?.kind === 'skill') lines.push(`complete -c portai ${at} -a ${quote("(portai skills list 2>/dev/null | string split -f 1 ' ')")}`);
    if (argument?.kind === 'file') lines.push(`complete -c portai ${at} -F`);
  }
  const valueFlags = valueFlagKeys(nodes, quote);
  const children = nodes
    .filter((node) => node.commands.length > 0)
    .map((node) => `        case ${quote(node.path)}\n            printf '%s\\n' ${node.commands.map((child) => quote(child.name)).join(' ')}`)
    .join('\n');
  return `# portai completion for fish. Save it as ~/.config/fish/completions/portai.fish, or:  portai completion fish | source

set -g __portai_value_flags ${valueFlags.join(' ')}

function __portai_children
    switch "$argv[1]"
${children}
    end
end

# the command path typed so far, e.g. "run skill"
function __portai_path
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cmdpath
    set -l skip 0
    for token in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        set -l joined (string join ' ' -- $cmdpath)
        if string match -q -- '-*' $token
            if contains -- "$joined|$token" $__portai_value_flags
                set skip 1
            end
            continue
        end
        if contains -- $token (__portai_children "$joined")
            set -a cmdpath $token
        end
    end
    string join ' ' -- $cmdpath
end

function __portai_at
    set -l current (__portai_path)
    test "$current" = "$argv[1]"
end

complete -c portai -f
${lines.join('\n')}
`;
}

/** fish single quotes: only \\ and \\' are special inside. */
function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
