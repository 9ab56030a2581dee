// A zsh completion script generated from the command tree (works from $fpath as _portai, or sourced).
// `path`, `commands` and `options` are special parameters in zsh ($PATH's array, the command hash, the shell
// options), hence the prefixed names.
import { allNodes, type CommandNode } from './command-tree.js';
import { caseArms, posixQuote as quote, valueFlagKeys } from './shell-parts.js';

export function zshCompletion(root: CommandNode): string {
  const nodes = allNodes(root);
  const cases = (body: (node: CommandNode) => string | undefined) => caseArms(nodes, body);
  const valueFlags = valueFlagKeys(nodes, quote);
  return `#compdef portai
# portai completion for zsh. Save it as _portai in a folder on $fpath, or load it with:  source <(portai completion zsh)

_portai() {
  local -a _portai_cmds _portai_opts _portai_args
  local cmdpath='' word skip='' i
  for ((i = 2; i < CURRENT; i++)); do
    word=\${words[i]}
    if [[ -n $skip ]]; then skip=''; continue; fi
    if [[ $word == -* ]]; then
      case "$cmdpath|$word" in
        ${valueFlags.join('|') || "''"}) [[ $word != *=* ]] && skip=1 ;;
      esac
      continue
    fi
    _portai_cmds=()
    _portai_commands "$cmdpath"
    if (( \${_portai_cmds[(I)\${word}:*]} )); then cmdpath=\${cmdpath:+$cmdpath }$word; fi
  done
  if [[ -n $skip ]]; then
    _files
    return
  fi
  _portai_cmds=() _portai_opts=() _portai_args=()
  _portai_commands "$cmdpath"
  if [[ $PREFIX == -* ]]; then
    case "$cmdpath" in
${cases((node) => `_portai_opts=(${node.options.flatMap((option) => option.flags.map((flag) => quote(`${escapeColon(flag)}:${option.description}`))).join(' ')})`)}
    esac
    _describe -t options 'option' _portai_opts
    return
  fi
  case "$cmdpath" in
${cases((node) => argumentLine(node))}
  esac
  (( \${#_portai_cmds} )) && _describe -t commands 'command' _portai_cmds
  (( \${#_portai_args} )) && compadd -a _portai_args
}

_portai_commands() {
  case "$1" in
${cases((node) => (node.commands.length ? `_portai_cmds=(${node.commands.map((child) => quote(`${escapeColon(child.name)}:${child.description}`)).join(' ')})` : undefined))}
  esac
}

if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _portai "$@"
elif (( \${+functions[compdef]} )); then
  compdef _portai portai
fi
`;
}

function argumentLine(node: CommandNode): string | undefined {
  const argument = node.argument;
  if (!argument) return undefined;
  if (argument.kind === 'file') return '_files';
  if (argument.kind === 'words') return `_portai_args=(${argument.words.map(quote).join(' ')})`;
  return "_portai_args=(\${(f)\"$(portai skills list 2>/dev/null | cut -d ' ' -f 1)\"})";
}

function escapeColon(text: string): string {
  return text.replace(/:/g, '\\:');
}
