import {UsageError} from '../errors/kubehop-error.ts';
import type {CommandContext} from './command-context.ts';
import {apiHelp, canIHelp, certsHelp, ctxHelp, historyHelp, mainHelp, nsHelp, proxyHelp} from './help.ts';
import {currentNamespace, knownNamespaces} from './ns.ts';

// Completion asks the binary for names (`kubehop __complete contexts|namespaces`); the flags it offers
// are the ones each command's help defines, so the two cannot drift apart.

/** The flags a help text defines: those in its left-hand column (`-c, --current`, `--json`). */
export function flagsIn(help: string): string[] {
	const flags = help.split('\n').flatMap((line) => [...line.matchAll(/(?:^|[\s,[])(--?[a-zA-Z][\w-]*)(?=[\s,=\]]|$)/g)].filter((match) => match.index < 28).map((match) => match[1]!));
	// `-N` stands for a number in `ctx -N`.
	return [...new Set(flags)].filter((flag) => flag !== '-N');
}

const globalFlags = flagsIn(mainHelp);
// --context, -n and --as belong to the commands whose help lists them (the main help lists them for
// the app and to say they may come first); ctx, ns and history refuse them.
const clusterFlags = new Set(['--context', '-n', '--namespace', '--as', '--as-group', '--as-uid']);
const commandFlags = (help: string) => [...new Set([...flagsIn(help), ...globalFlags.filter((flag) => !clusterFlags.has(flag))])].join(' ');

/** fish's `-l long` / `-s c` for each flag a command's help defines, on the command, or on kubectx and kubens. */
function fishFlags(): string {
	const spell = (flag: string) => (flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`);
	const commands: Array<[string, string]> = [['ctx', ctxHelp], ['ns', nsHelp], ['history', historyHelp], ['can-i', canIHelp], ['certs', certsHelp], ['api', apiHelp], ['proxy', proxyHelp]];
	const lines = [
		...globalFlags.map((flag) => `complete -c kubehop -n "__kubehop_is ''" ${spell(flag)}`),
		...commands.flatMap(([command, help]) => commandFlags(help).split(' ').map((flag) => `complete -c kubehop -n '__kubehop_is ${command}' ${spell(flag)}`)),
		...commandFlags(ctxHelp).split(' ').map((flag) => `complete -c kubectx ${spell(flag)}`),
		...commandFlags(nsHelp).split(' ').map((flag) => `complete -c kubens ${spell(flag)}`),
	];
	return lines.join('\n');
}

const scripts: Record<string, string> = {
	// Names are never handed to compgen -W, which expands $(...) in its words: a context named so by
	// someone else's kubeconfig would run on a Tab press. They are matched as plain text instead, and
	// the word is put back together from the pieces bash splits it into at ':' (EKS ARNs are full of
	// them); only the last piece is replaced, so each answer drops what comes before it.
	bash: `# kubehop bash completion: eval "$(kubehop completion bash)"
_kubehop_reply_names() {
  local i=$COMP_CWORD cur=\${COMP_WORDS[COMP_CWORD]} typed name quoted
  typed=$cur
  while (( i > 1 )) && [[ \${COMP_WORDS[i]} == : || \${COMP_WORDS[i-1]} == : ]]; do
    (( i-- )); typed=\${COMP_WORDS[i]}$typed
  done
  # What comes before the piece bash replaces, as the name spells it (no escapes or opening quote).
  local prefix=\${typed:0:\${#typed}-\${#cur}}
  prefix=\${prefix//\\\\/}; prefix=\${prefix#[\\"\\']}
  local strip=\${#prefix}
  typed=\${typed//\\\\/}; typed=\${typed#[\\"\\']}
  COMPREPLY=()
  while IFS= read -r name; do
    [[ $name == "$typed"* ]] || continue
    printf -v quoted '%q' "\${name:strip}"
    COMPREPLY+=("$quoted")
  done < <(kubehop __complete "$1" 2>/dev/null)
}
_kubehop_flags() {
  case "$1" in
    ctx) echo "${commandFlags(ctxHelp)}" ;;
    ns) echo "${commandFlags(nsHelp)}" ;;
    history) echo "${commandFlags(historyHelp)}" ;;
    can-i) echo "${commandFlags(canIHelp)}" ;;
    certs) echo "${commandFlags(certsHelp)}" ;;
    api) echo "${commandFlags(apiHelp)}" ;;
    proxy) echo "${commandFlags(proxyHelp)}" ;;
    *) echo "${globalFlags.join(' ')}" ;;
  esac
}
_kubehop() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd='' i
  # The command is the first word that is neither a global flag nor its value (nor a piece of one split
  # at ':', nor the '=' of --flag=value, which bash splits off too).
  for (( i = 1; i < COMP_CWORD; i++ )); do
    case \${COMP_WORDS[i]} in
      --kubeconfig|--context|--request-timeout|--timeout|--proxy-url|--as|--as-group|--as-uid|-n|--namespace) [[ \${COMP_WORDS[i+1]-} == = ]] && (( i++ )); (( i++ )) ;;
      :) (( i++ )) ;;
      -*) ;;
      *) [[ \${COMP_WORDS[i+1]-} == : ]] || { cmd=\${COMP_WORDS[i]}; break; } ;;
    esac
  done
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$(_kubehop_flags "$cmd")" -- "$cur")); return; fi
  case "$cmd" in
    '') COMPREPLY=($(compgen -W "ctx ns history can-i certs api proxy completion" -- "$cur")) ;;
    ctx) _kubehop_reply_names contexts ;;
    ns) _kubehop_reply_names namespaces ;;
    completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
  esac
}
_kubectx_kubehop() { if [[ \${COMP_WORDS[COMP_CWORD]} == -* ]]; then COMPREPLY=($(compgen -W "$(_kubehop_flags ctx)" -- "\${COMP_WORDS[COMP_CWORD]}")); else _kubehop_reply_names contexts; fi; }
_kubens_kubehop() { if [[ \${COMP_WORDS[COMP_CWORD]} == -* ]]; then COMPREPLY=($(compgen -W "$(_kubehop_flags ns)" -- "\${COMP_WORDS[COMP_CWORD]}")); else _kubehop_reply_names namespaces; fi; }
complete -F _kubehop kubehop
complete -F _kubectx_kubehop kubectx
complete -F _kubens_kubehop kubens
`,
	// zsh and fish find the command past global flags as bash does, and offer each command's flags.
	// zsh's compadd quotes what it adds, and fish never evaluates a completion's output: neither runs a name.
	zsh: `#compdef kubehop kubectx kubens
# kubehop zsh completion: source <(kubehop completion zsh)
_kubehop_flags() {
  case "$1" in
    ctx) reply=(${commandFlags(ctxHelp)}) ;;
    ns) reply=(${commandFlags(nsHelp)}) ;;
    history) reply=(${commandFlags(historyHelp)}) ;;
    can-i) reply=(${commandFlags(canIHelp)}) ;;
    certs) reply=(${commandFlags(certsHelp)}) ;;
    api) reply=(${commandFlags(apiHelp)}) ;;
    proxy) reply=(${commandFlags(proxyHelp)}) ;;
    *) reply=(${globalFlags.join(' ')}) ;;
  esac
}
_kubehop() {
  local -a names reply
  local cmd='' i
  case "$service" in
    kubectx) cmd=ctx ;;
    kubens) cmd=ns ;;
    *)
      # The command is the first word that is neither a global flag nor its value.
      for (( i = 2; i < CURRENT; i++ )); do
        case "$words[i]" in
          --kubeconfig|--context|--request-timeout|--timeout|--proxy-url|--as|--as-group|--as-uid|-n|--namespace) (( i++ )) ;;
          -*) ;;
          *) cmd=$words[i]; break ;;
        esac
      done ;;
  esac
  if [[ $PREFIX == -* ]]; then _kubehop_flags "$cmd"; compadd -a reply; return; fi
  case "$cmd" in
    '') compadd ctx ns history can-i certs api proxy completion ;;
    ctx) names=("\${(@f)$(kubehop __complete contexts 2>/dev/null)}"); compadd -a names ;;
    ns) names=("\${(@f)$(kubehop __complete namespaces 2>/dev/null)}"); compadd -a names ;;
    completion) compadd bash zsh fish ;;
  esac
}
compdef _kubehop kubehop kubectx kubens
`,
	fish: `# kubehop fish completion: kubehop completion fish | source
function __kubehop_command --description 'the kubehop command being completed, past global flags and their values'
  set -l words (commandline -opc)
  switch $words[1]
    case kubectx
      echo ctx; return
    case kubens
      echo ns; return
  end
  set -l skip 0
  for word in $words[2..-1]
    if test $skip = 1
      set skip 0
      continue
    end
    switch $word
      case --kubeconfig --context --request-timeout --timeout --proxy-url --as --as-group --as-uid -n --namespace
        set skip 1
      case '-*'
      case '*'
        echo $word; return
    end
  end
end
function __kubehop_is --description 'whether the kubehop command being completed is $argv[1] (empty: none yet)'
  set -l command (__kubehop_command)
  test "$command" = "$argv[1]"
end
complete -c kubehop -f
complete -c kubectx -f
complete -c kubens -f
complete -c kubehop -n "__kubehop_is ''" -a 'ctx ns history can-i certs api proxy completion'
complete -c kubehop -n '__kubehop_is ctx' -a '(kubehop __complete contexts 2>/dev/null)'
complete -c kubehop -n '__kubehop_is ns' -a '(kubehop __complete namespaces 2>/dev/null)'
complete -c kubehop -n '__kubehop_is completion' -a 'bash zsh fish'
complete -c kubectx -a '(kubehop __complete contexts 2>/dev/null)'
complete -c kubens -a '(kubehop __complete namespaces 2>/dev/null)'
${fishFlags()}
`,
};

export async function runCompletion(operands: string[], context: CommandContext): Promise<number> {
	const shell = operands[0];
	const script = shell === undefined ? undefined : scripts[shell];
	if (!script || operands.length > 1) throw new UsageError('usage: kubehop completion bash|zsh|fish');
	context.output.stdout.write(script);
	return 0;
}

export async function runComplete(operands: string[], context: CommandContext): Promise<number> {
	// A Tab press reads the validated index, never the whole kubeconfig, and never asks a cluster.
	let names: string[];
	if (operands[0] === 'namespaces') {
		const {contextName, overview} = await currentNamespace(context);
		names = await knownNamespaces([...overview.values()].map((entry) => entry.namespace), contextName, context);
	} else {
		names = [...(await context.loadIndex()).contexts].sort();
	}

	context.output.stdout.write(names.map((name) => `${name}\n`).join(''));
	return 0;
}
