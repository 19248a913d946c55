import {clusterFlags} from './arguments.ts';
import {apiHelp, canIHelp, certsHelp, ctxHelp, flagsIn, historyHelp, mainHelp, nsHelp, proxyHelp} from './help.ts';

// The scripts `kubehop completion SHELL` prints, built only for it. They ask the binary for names
// (`kubehop __complete contexts|namespaces`); the flags they offer are the ones each command's help
// defines, so the two cannot drift apart.

const commands = ['ctx', 'ns', 'history', 'can-i', 'certs', 'api', 'proxy', 'completion'];
/** The flags that take a value, the next word; of them, those whose value nothing is offered for. */
const valueFlags = ['--kubeconfig', '--context', '--request-timeout', '--timeout', '--proxy-url', '--as', '--as-group', '--as-uid', '-n', '--namespace'];
const opaqueValueFlags = ['--request-timeout', '--timeout', '--proxy-url', '--as', '--as-group', '--as-uid'];
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
	const values: Record<string, string> = {
		'--kubeconfig': ' -r -F',
		'--context': " -x -a '(kubehop (__kubehop_config) __complete contexts 2>/dev/null)'",
		'-n': " -x -a '(kubehop (__kubehop_config) __complete namespaces 2>/dev/null)'",
		'--namespace': " -x -a '(kubehop (__kubehop_config) __complete namespaces 2>/dev/null)'",
		// A value, but none to offer: not the command names either.
		...Object.fromEntries(opaqueValueFlags.map((flag) => [flag, ' -x'])),
	};
	const spell = (flag: string) => (flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`) + (values[flag] ?? '');
	const lines = [
		...globalFlags.map((flag) => `complete -c kubehop -n "__kubehop_is ''" ${spell(flag)}`),
		...commands.flatMap(([command, help]) => commandFlags(help).split(' ').map((flag) => `complete -c kubehop -n '__kubehop_is ${command}' ${spell(flag)}`)),
		...commandFlags(ctxHelp).split(' ').map((flag) => `complete -c kubectx ${spell(flag)}`),
		...commandFlags(nsHelp).split(' ').map((flag) => `complete -c kubens ${spell(flag)}`),
	];
	return lines.join('\n');
}

export const scripts: Record<string, string> = {
	// Names are never handed to compgen -W, which expands $(...) in its words: a context named so by
	// someone else's kubeconfig would run on a Tab press.
	bash: `# kubehop bash completion: eval "$(kubehop completion bash)"
# Sets _kubehop_cmd (the command: the first word that is neither a global flag nor its value, nor a piece
# of one split at ':' or '=', which bash splits off too), _kubehop_commands (those taking every flag such
# as -n given before it) and _kubehop_config (--kubeconfig's value, for the names to come from that file).
_kubehop_scan() {
  local i word
  _kubehop_cmd='' _kubehop_config='' _kubehop_commands="${commands.join(' ')}"
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word=\${COMP_WORDS[i]}
    # Two case statements, not one with ;;& (bash 4): macOS still ships bash 3.2.
    case $word in
${narrowing((flag, taking) => `      ${flag}) _kubehop_commands=$(_kubehop_keep "$_kubehop_commands" "${taking}") ;;`)}
    esac
    case $word in
      ${valueFlags.join('|')})
        [[ \${COMP_WORDS[i+1]-} == = ]] && (( i++ ))
        (( i++ ))
        if [[ $word == --kubeconfig ]] && (( i < COMP_CWORD )); then
          _kubehop_config=\${COMP_WORDS[i]//\\\\/}; _kubehop_config=\${_kubehop_config#[\\"\\']}; _kubehop_config=\${_kubehop_config%[\\"\\']}
          [[ $_kubehop_config == "~/"* ]] && _kubehop_config=$HOME/\${_kubehop_config#"~/"}
        fi ;;
      :|=) (( i++ )) ;;
      -*) ;;
      *) [[ \${COMP_WORDS[i+1]-} == [:=] ]] || { [[ -z $_kubehop_cmd ]] && _kubehop_cmd=$word; } ;;
    esac
  done
}
# Names as plain text, never through compgen -W (which would run a $(...) in one), for the word being
# typed as bash split it: its pieces after ':' put back together, only the last one replaced.
_kubehop_reply_names() {
  local i=$COMP_CWORD cur=\${COMP_WORDS[COMP_CWORD]} typed name quoted quote=''
  typed=$cur
  while (( i > 1 )) && [[ \${COMP_WORDS[i]} == : || \${COMP_WORDS[i-1]} == : ]]; do
    (( i-- )); typed=\${COMP_WORDS[i]}$typed
  done
  [[ $typed == [\\"\\']* ]] && quote=\${typed:0:1}
  # What comes before the piece bash replaces, as the name spells it (no escapes or opening quote).
  local prefix=\${typed:0:\${#typed}-\${#cur}}
  prefix=\${prefix//\\\\/}; prefix=\${prefix#[\\"\\']}
  local strip=\${#prefix}
  typed=\${typed//\\\\/}; typed=\${typed#[\\"\\']}
  local config=()
  [[ -n \${_kubehop_config-} ]] && config=(--kubeconfig "$_kubehop_config")
  COMPREPLY=()
  while IFS= read -r name; do
    [[ $name == "$typed"* ]] || continue
    name=\${name:strip}
    # Inside quotes bash closes the quote itself: a name goes in as the quote reads it ('\\'' for a ').
    case $quote in
      \\') quoted=\${name//\\'/\\'\\\\\\'\\'} ;;
      \\") quoted=\${name//\\\\/\\\\\\\\}; quoted=\${quoted//\\"/\\\\\\"}; quoted=\${quoted//\\$/\\\\\\$}; quoted=\${quoted//\\\`/\\\\\\\`} ;;
      *) printf -v quoted '%q' "$name" ;;
    esac
    COMPREPLY+=("$quoted")
  done < <(kubehop \${config[@]+"\${config[@]}"} __complete "$1" 2>/dev/null)
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
# Completes a flag's value, if the word being typed is one: files, context names or namespaces, nothing
# for the rest. The flag is the word before the one being typed (an ARN's pieces put back together),
# or two back after an '='.
_kubehop_value() {
  local j=$COMP_CWORD flag
  while (( j > 1 )) && [[ \${COMP_WORDS[j]} == : || \${COMP_WORDS[j-1]} == : ]]; do (( j-- )); done
  flag=\${COMP_WORDS[j-1]-}
  [[ $flag == = ]] && flag=\${COMP_WORDS[j-2]-}
  case $flag in
    --kubeconfig) COMPREPLY=(); while IFS= read -r flag; do COMPREPLY+=("$flag"); done < <(compgen -f -- "\${COMP_WORDS[COMP_CWORD]}"); compopt -o filenames 2>/dev/null ;;
    --context) _kubehop_reply_names contexts ;;
    -n|--namespace) _kubehop_reply_names namespaces ;;
    ${opaqueValueFlags.join('|')}) COMPREPLY=() ;;
    *) return 1 ;;
  esac
  return 0
}
_kubehop() {
  local cur=\${COMP_WORDS[COMP_CWORD]}
  _kubehop_scan
  _kubehop_value && return
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$(_kubehop_flags "$_kubehop_cmd")" -- "$cur")); return; fi
  case "$_kubehop_cmd" in
    '') COMPREPLY=($(compgen -W "$_kubehop_commands" -- "$cur")) ;;
    ctx) _kubehop_reply_names contexts ;;
    ns) _kubehop_reply_names namespaces ;;
    completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
  esac
}
_kubectx_kubehop() {
  _kubehop_scan
  _kubehop_value && return
  if [[ \${COMP_WORDS[COMP_CWORD]} == -* ]]; then COMPREPLY=($(compgen -W "$(_kubehop_flags ctx)" -- "\${COMP_WORDS[COMP_CWORD]}")); else _kubehop_reply_names contexts; fi
}
_kubens_kubehop() {
  _kubehop_scan
  _kubehop_value && return
  if [[ \${COMP_WORDS[COMP_CWORD]} == -* ]]; then COMPREPLY=($(compgen -W "$(_kubehop_flags ns)" -- "\${COMP_WORDS[COMP_CWORD]}")); else _kubehop_reply_names namespaces; fi
}
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
# Names from kubehop, from the file a --kubeconfig on the line names.
_kubehop_names() {
  # Unquoted (f): no empty name when kubehop prints none (a --kubeconfig file that is not there).
  names=(\${(f)"$(kubehop $config __complete $1 2>/dev/null)"})
  compadd -a names
}
_kubehop() {
  local -a names reply taking config commands=(${commands.join(' ')})
  local cmd='' i value
  case "$service" in
    kubectx) cmd=ctx ;;
    kubens) cmd=ns ;;
  esac
  # The command is the first word that is neither a global flag nor its value; flags such as -n (also as
  # -n=dev) narrow the commands, and --kubeconfig names the file the names come from.
  for (( i = 2; i < CURRENT; i++ )); do
    taking=()
    case "\${words[i]%%=*}" in
${narrowing((flag, taking) => `      ${flag}) taking=(${taking}) ;;`)}
    esac
    (( $#taking )) && commands=(\${commands:*taking})
    case "$words[i]" in
      --kubeconfig=*) value=\${words[i]#*=}; config=(--kubeconfig \${(Q)value/#\\~/$HOME}) ;;
      --kubeconfig) (( i + 1 < CURRENT )) && { value=$words[i+1]; config=(--kubeconfig \${(Q)value/#\\~/$HOME}); }; (( i++ )) ;;
      ${valueFlags.filter((flag) => flag !== '--kubeconfig').join('|')}) (( i++ )) ;;
      -*) ;;
      *) [[ -z $cmd ]] && cmd=$words[i] ;;
    esac
  done
  # A flag's value: files, context names or namespaces, after a space or an '='; nothing for the rest.
  local flag=$words[CURRENT-1]
  if [[ $PREFIX == -*=* ]]; then flag=\${PREFIX%%=*}; compset -P '*='; fi
  case "$flag" in
    --kubeconfig) _files; return ;;
    --context) _kubehop_names contexts; return ;;
    -n|--namespace) _kubehop_names namespaces; return ;;
    ${opaqueValueFlags.join('|')}) return ;;
  esac
  if [[ $PREFIX == -* ]]; then _kubehop_flags "$cmd"; compadd -a reply; return; fi
  case "$cmd" in
    '') compadd -a commands ;;
    ctx) _kubehop_names contexts ;;
    ns) _kubehop_names namespaces ;;
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
      case ${valueFlags.join(' ')}
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
function __kubehop_config --description 'a --kubeconfig on the line, as the arguments that pass it on'
  set -l words (commandline -opc)
  for index in (seq 2 (count $words))
    switch $words[$index]
      case '--kubeconfig=*'
        echo --kubeconfig; string replace -r '^--kubeconfig=' '' -- $words[$index] | string replace -r '^~/' "$HOME/"
      case --kubeconfig
        if test $index -lt (count $words)
          echo --kubeconfig; string replace -r '^~/' "$HOME/" -- $words[(math $index + 1)]
        end
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
complete -c kubehop -n "__kubehop_is ''" -a '(__kubehop_commands)'
complete -c kubehop -n '__kubehop_is ctx' -a '(kubehop (__kubehop_config) __complete contexts 2>/dev/null)'
complete -c kubehop -n '__kubehop_is ns' -a '(kubehop (__kubehop_config) __complete namespaces 2>/dev/null)'
complete -c kubehop -n '__kubehop_is completion' -a 'bash zsh fish'
complete -c kubectx -a '(kubehop (__kubehop_config) __complete contexts 2>/dev/null)'
complete -c kubens -a '(kubehop (__kubehop_config) __complete namespaces 2>/dev/null)'
${fishFlags()}
`,
};
