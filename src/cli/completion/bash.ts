// A bash completion script generated from the command tree: subcommands, options (skipping option values),
// skill names from `portai skills list`, and the completion shells.
import { allNodes, type CommandNode } from './command-tree.js';
import { caseArms, posixQuote as quote, valueFlagKeys } from './shell-parts.js';

export function bashCompletion(root: CommandNode): string {
  const nodes = allNodes(root);
  const cases = (body: (node: CommandNode) => string | undefined) => caseArms(nodes, body);
  const valueFlags = valueFlagKeys(nodes, quote);
  return `# portai completion for bash. Load it with:  source <(portai completion bash)
# or save it as ~/.local/share/bash-completion/completions/portai

_portai_commands() {
  case "$1" in
${cases((node) => (node.commands.length ? `echo ${quote(node.commands.map((child) => child.name).join(' '))}` : undefined))}
  esac
}

_portai_options() {
  case "$1" in
${cases((node) => `echo ${quote(node.options.flatMap((option) => option.flags).join(' '))}`)}
  esac
}

_portai_argument() {
  case "$1" in
${cases((node) => argumentWords(node))}
  esac
}

_portai_takes_value() {
  case "$1|$2" in
    ${valueFlags.join('|') || "''"}) return 0 ;;
  esac
  return 1
}

_portai() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmdpath='' word i skip=''
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if [[ -n $skip ]]; then skip=''; continue; fi
    if [[ $word == -* ]]; then
      [[ $word != *=* ]] && _portai_takes_value "$cmdpath" "$word" && skip=1
      continue
    fi
    if [[ " $(_portai_commands "$cmdpath") " == *" $word "* ]]; then cmdpath=\${cmdpath:+$cmdpath }$word; fi
  done
  if [[ -n $skip ]]; then
    # an option's value: file names are the best guess
    COMPREPLY=($(compgen -f -- "$cur"))
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_portai_options "$cmdpath")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_portai_commands "$cmdpath") $(_portai_argument "$cmdpath")" -- "$cur"))
  fi
}

complete -o default -F _portai portai
`;
}

function argumentWords(node: CommandNode): string | undefined {
  const argument = node.argument;
  if (!argument || argument.kind === 'file') return undefined;
  if (argument.kind === 'words') return `echo ${quote(argument.words.join(' '))}`;
  return "portai skills list 2>/dev/null | cut -d ' ' -f 1";
}
