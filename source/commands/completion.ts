import {UsageError} from '../errors/kubehop-error.ts';
import type {CommandContext} from './command-context.ts';
import {currentNamespace, knownNamespaces} from './ns.ts';

// Completion asks the binary for names (`kubehop __complete contexts|namespaces`).

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
  local strip=$(( \${#typed} - \${#cur} ))
  typed=\${typed//\\\\/}; typed=\${typed#[\\"\\']}
  COMPREPLY=()
  while IFS= read -r name; do
    [[ $name == "$typed"* ]] || continue
    printf -v quoted '%q' "\${name:strip}"
    COMPREPLY+=("$quoted")
  done < <(kubehop __complete "$1" 2>/dev/null)
}
_kubehop() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd=\${COMP_WORDS[1]}
  if [ "$COMP_CWORD" -eq 1 ]; then COMPREPLY=($(compgen -W "ctx ns history can-i certs api proxy completion" -- "$cur")); return; fi
  case "$cmd" in
    ctx) _kubehop_reply_names contexts ;;
    ns) _kubehop_reply_names namespaces ;;
    completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
  esac
}
_kubectx_kubehop() { _kubehop_reply_names contexts; }
_kubens_kubehop() { _kubehop_reply_names namespaces; }
complete -F _kubehop kubehop
complete -F _kubectx_kubehop kubectx
complete -F _kubens_kubehop kubens
`,
	zsh: `#compdef kubehop kubectx kubens
# kubehop zsh completion: source <(kubehop completion zsh)
_kubehop() {
  local -a names
  case "$service" in
    kubectx) names=("\${(@f)$(kubehop __complete contexts 2>/dev/null)}"); compadd -a names; return ;;
    kubens) names=("\${(@f)$(kubehop __complete namespaces 2>/dev/null)}"); compadd -a names; return ;;
  esac
  if (( CURRENT == 2 )); then compadd ctx ns history can-i certs api proxy completion; return; fi
  case "$words[2]" in
    ctx) names=("\${(@f)$(kubehop __complete contexts 2>/dev/null)}"); compadd -a names ;;
    ns) names=("\${(@f)$(kubehop __complete namespaces 2>/dev/null)}"); compadd -a names ;;
    completion) compadd bash zsh fish ;;
  esac
}
compdef _kubehop kubehop kubectx kubens
`,
	fish: `# kubehop fish completion: kubehop completion fish | source
complete -c kubehop -f
complete -c kubehop -n __fish_use_subcommand -a 'ctx ns history can-i certs api proxy completion'
complete -c kubehop -n '__fish_seen_subcommand_from ctx' -a '(kubehop __complete contexts 2>/dev/null)'
complete -c kubehop -n '__fish_seen_subcommand_from ns' -a '(kubehop __complete namespaces 2>/dev/null)'
complete -c kubehop -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'
complete -c kubectx -f -a '(kubehop __complete contexts 2>/dev/null)'
complete -c kubens -f -a '(kubehop __complete namespaces 2>/dev/null)'
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
