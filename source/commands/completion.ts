import {UsageError} from '../errors/kubehop-error.ts';
import type {CommandContext} from './command-context.ts';
import {clusterFlags} from './arguments.ts';
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

const commands = ['ctx', 'ns', 'history', 'can-i', 'certs', 'api', 'proxy', 'completion'];
// Before a command: the global flags, and --context, -n and --as, which go to the command after them.
const globalFlags = [...new Set([...flagsIn(mainHelp), ...clusterFlags.keys(), '-V', '--version'])];
// After one: its own flags (--context, -n and --as where its help lists them) and the global ones; ctx,
// ns and history refuse --context, -n and --as.
const commandFlags = (help: string) => [...new Set([...flagsIn(help), ...globalFlags.filter((flag) => !clusterFlags.has(flag))])].join(' ');
/** Each shell's `case` arms that narrow the commands offered to those taking a flag given before them. */
const narrowing = (arm: (flag: string, commands: string) => string) => [...clusterFlags].map(([flag, {commands}]) => arm(flag, commands.join(' '))).join('\n');

/** fish's `-l long` / `-s c` for each flag a command's help defines, on the command, or on kubectx and kubens. */
function fishFlags(): string {
	const commands: Array<[string, string]> = [['ctx', ctxHelp], ['ns', nsHelp], ['history', historyHelp], ['can-i', canIHelp], ['certs', certsHelp], ['api', apiHelp], ['proxy', proxyHelp]];
	// What a flag's value is completed from: files for --kubeconfig, names for --context and -n.
	const values: Record<string, string> = {'--kubeconfig': ' -r -F', '--context': " -x -a '(kubehop __complete contexts 2>/dev/null)'", '-n': " -x -a '(kubehop __complete namespaces 2>/dev/null)'", '--namespace': " -x -a '(kubehop __complete namespaces 2>/dev/null)'"};
	const spell = (flag: string) => (flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`) + (values[flag] ?? '');
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
# The commands in $1 that are also in $2.
_kubehop_keep() {
  local kept='' command
  for command in $1; do [[ " $2 " == *" $command "* ]] && kept+="$command "; done
  echo "$kept"
}
_kubehop() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd='' i commands="${commands.join(' ')}"
  # The command is the first word that is neither a global flag nor its value (nor a piece of one split
  # at ':', nor the '=' of --flag=value, which bash splits off too). Flags such as -n narrow the commands.
  for (( i = 1; i < COMP_CWORD; i++ )); do
    # Two case statements, not one with ;;& (bash 4): macOS still ships bash 3.2.
    case \${COMP_WORDS[i]} in
${narrowing((flag, taking) => `      ${flag}) commands=$(_kubehop_keep "$commands" "${taking}") ;;`)}
    esac
    case \${COMP_WORDS[i]} in
      --kubeconfig|--context|--request-timeout|--timeout|--proxy-url|--as|--as-group|--as-uid|-n|--namespace) [[ \${COMP_WORDS[i+1]-} == = ]] && (( i++ )); (( i++ )) ;;
      :|=) (( i++ )) ;;
      -*) ;;
      *) [[ \${COMP_WORDS[i+1]-} == [:=] ]] || { cmd=\${COMP_WORDS[i]}; break; } ;;
    esac
  done
  # A flag's value: files, context names or namespaces (the flag is two words back after an '=').
  local flag=\${COMP_WORDS[COMP_CWORD-1]-}
  [[ $flag == = ]] && flag=\${COMP_WORDS[COMP_CWORD-2]-}
  case $flag in
    --kubeconfig) COMPREPLY=(); while IFS= read -r flag; do COMPREPLY+=("$flag"); done < <(compgen -f -- "$cur"); compopt -o filenames 2>/dev/null; return ;;
    --context) _kubehop_reply_names contexts; return ;;
    -n|--namespace) _kubehop_reply_names namespaces; return ;;
  esac
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$(_kubehop_flags "$cmd")" -- "$cur")); return; fi
  case "$cmd" in
    '') COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
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
  local -a names reply taking commands=(${commands.join(' ')})
  local cmd='' i
  case "$service" in
    kubectx) cmd=ctx ;;
    kubens) cmd=ns ;;
    *)
      # The command is the first word that is neither a global flag nor its value; flags such as -n
      # (also as -n=dev) narrow the commands.
      for (( i = 2; i < CURRENT; i++ )); do
        taking=()
        case "\${words[i]%%=*}" in
${narrowing((flag, taking) => `          ${flag}) taking=(${taking}) ;;`)}
        esac
        (( $#taking )) && commands=(\${commands:*taking})
        case "$words[i]" in
          --kubeconfig|--context|--request-timeout|--timeout|--proxy-url|--as|--as-group|--as-uid|-n|--namespace) (( i++ )) ;;
          -*) ;;
          *) cmd=$words[i]; break ;;
        esac
      done ;;
  esac
  # A flag's value: files, context names or namespaces, after a space or an '='.
  local flag=$words[CURRENT-1]
  if [[ $PREFIX == -*=* ]]; then flag=\${PREFIX%%=*}; compset -P '*='; fi
  case "$flag" in
    --kubeconfig) _files; return ;;
    --context) names=("\${(@f)$(kubehop __complete contexts 2>/dev/null)}"); compadd -a names; return ;;
    -n|--namespace) names=("\${(@f)$(kubehop __complete namespaces 2>/dev/null)}"); compadd -a names; return ;;
  esac
  if [[ $PREFIX == -* ]]; then _kubehop_flags "$cmd"; compadd -a reply; return; fi
  case "$cmd" in
    '') compadd -a commands ;;
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
function __kubehop_commands --description 'the kubehop commands that take every flag given before the command'
  set -l commands ${commands.join(' ')}
  for word in (commandline -opc)[2..-1]
    set -l taking
    switch (string split -m1 = -- $word)[1]
${narrowing((flag, taking) => `      case ${flag}
        set taking ${taking}`)}
    end
    if set -q taking[1]
      set -l kept
      for command in $commands
        contains -- $command $taking; and set -a kept $command
      end
      set commands $kept
    end
  end
  for command in $commands
    echo $command
  end
end
function __kubehop_is --description 'whether the kubehop command being completed is $argv[1] (empty: none yet)'
  set -l command (__kubehop_command)
  test "$command" = "$argv[1]"
end
complete -c kubehop -f
complete -c kubectx -f
complete -c kubens -f
complete -c kubehop -n "__kubehop_is ''" -a '(__kubehop_commands)'
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
