// A zsh completion script generated from the command tree (works from $fpath as _portai, or sourced).
// `path` is zsh's tied $PATH array, hence `cmdpath`.
import { allNodes, type CommandNode } from './command-tree.js';

export function zshCompletion(root: CommandNode): string {
  const nodes = allNodes(root);
  const cases = (body: (node: CommandNode) => string | undefined) =>
    nodes
      .map((node) => [node, body(node)] as const)
      .filter(([, text]) => text !== undefined)
      .map(([node, text]) => `    ${quote(node.path)}) ${text} ;;`)
      .join('\n');
  const valueFlags = nodes.flatMap((node) => node.options.filter((option) => option.takesValue).flatMap((option) => option.flags.map((flag) => quote(`${node.path}|${flag}`))));
  return `#compdef portai
# portai completion for zsh. Save it as _portai in a folder on $fpath, or load it with:  source <(portai completion zsh)

_portai() {
  local -a commands options arguments
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
    commands=()
    _portai_commands "$cmdpath"
    if (( \${commands[(I)$word:*]} )); then cmdpath=\${cmdpath:+$cmdpath }$word; fi
  done
  if [[ -n $skip ]]; then
    _files
    return
  fi
  commands=() options=() arguments=()
  _portai_commands "$cmdpath"
  if [[ $PREFIX == -* ]]; then
    case "$cmdpath" in
${cases((node) => `options=(${node.options.flatMap((option) => option.flags.map((flag) => quote(`${escapeColon(flag)}:${option.description}`))).join(' ')})`)}
    esac
    _describe -t options 'option' options
    return
  fi
  case "$cmdpath" in
${cases((node) => argumentLine(node))}
  esac
  (( \${#commands} )) && _describe -t commands 'command' commands
  (( \${#arguments} )) && compadd -a arguments
}

_portai_commands() {
  case "$1" in
${cases((node) => (node.commands.length ? `commands=(${node.commands.map((child) => quote(`${escapeColon(child.name)}:${child.description}`)).join(' ')})` : undefined))}
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
  if (argument.kind === 'words') return `arguments=(${argument.words.map(quote).join(' ')})`;
  return "arguments=(\${(f)\"$(portai skills list 2>/dev/null | cut -d ' ' -f 1)\"})";
}

function escapeColon(text: string): string {
  return text.replace(/:/g, '\\:');
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
