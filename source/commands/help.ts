export const version = '0.1.0';

export const mainHelp = `kubehop: hop between Kubernetes contexts and namespaces, safely

USAGE
  kubehop                     on a terminal: the full-screen app (Contexts, Namespaces, History,
                              Access, Certificates and API panes; ? lists the keys)
  kubehop ctx [ARGS]          switch contexts (kubectx-compatible)
  kubehop ns [ARGS]           switch namespaces (kubens-compatible)
  kubehop history             show the previous stack (--json)
  kubehop can-i [FLAGS]       the can-i matrix of the current user (--json)
  kubehop certs [FLAGS]       certificate expiry and TLS health (--json)
  kubehop api [--json]        API groups, versions and resources (like kubectl api-resources -o wide)
  kubehop proxy [FLAGS]       a kubectl-proxy-compatible local proxy to the API server
  kubehop completion SHELL    print completion for bash, zsh or fish
  kubehop COMMAND --help      that command's own help (or: kubehop help COMMAND)

Run as "kubectx" or "kubens" (a symlink), kubehop behaves as "kubehop ctx" or "kubehop ns".

FLAGS
  --kubeconfig FILE           use only FILE, like kubectl
  --json                      JSON output for lists, -c and history
  --no-color                  plain output (NO_COLOR is honoured too)
  --request-timeout DURATION  cluster request timeout (default 5s; 0: none, as kubectl)
  --as USER [--as-group G]    open the app as another identity: the Access and API panes use it
                              (with --as-uid too, as kubectl; \`kubehop --as jane\`); before
                              can-i or proxy, it goes to that command
  --proxy-url URL             the API pane reads through this proxy (e.g. kubectl proxy's
                              http://127.0.0.1:8001) instead of starting its own
  --context NAME              with can-i, certs, api or proxy: another context than the current
                              one; before or after the command, as with kubectl (so may -n and
                              --as be given before can-i: \`kubehop -n dev can-i\`)
  -h, --help                  help; -V, --version  version
`;

export const ctxHelp = `USAGE (kubehop ctx, or kubectx)
  kubehop ctx                 on a terminal: pick a context (fuzzy); otherwise list them
  kubehop ctx NAME            switch to context NAME
  kubehop ctx -               switch to the previous context
  kubehop ctx -N              switch to the context N steps back in the history
  kubehop ctx -c, --current   print the current context
  kubehop ctx -u, --unset     unset the current context
  kubehop ctx -d NAME [...]   delete context NAME ('.' for the current one)
  kubehop ctx NEW=OLD         rename context OLD to NEW
  kubehop ctx NEW=.           rename the current context to NEW
  --json                      with the list or -c: JSON output
  KUBECTX_IGNORE_FZF=1        list instead of the picker, as with kubectx
  KUBECTX_CURRENT_FGCOLOR/_BGCOLOR  the current context's colours in the list, as with kubectx
`;

export const nsHelp = `USAGE (kubehop ns, or kubens)
  kubehop ns                  on a terminal: pick a namespace (fuzzy); otherwise list them
  kubehop ns NAME             switch to namespace NAME (checked on the cluster)
  kubehop ns NAME -f          switch without checking that NAME exists
  kubehop ns -                switch to the previous namespace of this context
  kubehop ns -c, --current    print the current namespace
  kubehop ns -u, --unset      unset the namespace (kubectl uses "default")
  --json                      with the list or -c: JSON output
`;

export const canIHelp = `USAGE
  kubehop can-i [FLAGS]       what the current user may do: resources by verbs

  One SelfSubjectRulesReview per namespace answers every cell; cells it cannot decide
  (an incomplete review) are asked with SelfSubjectAccessReviews. Cluster-scoped
  resources are evaluated cluster-wide, except get, update, patch and delete of
  namespaces: the API server authorizes those in the namespace they name, so they are
  asked for the namespace itself (kubectl auth can-i get namespaces/NS -n NS).

FLAGS
  -n, --namespace NS          the namespace (repeatable, or a,b,c); default: the context's
  -A, --all-namespaces        every namespace of the cluster
  --verbs get,list            only these verbs (default: the eight standard ones, plus
                              use/bind/escalate/impersonate/approve/sign where a rule grants them)
  --as USER                   check another identity (impersonation, as kubectl)
  --as-group GROUP            with --as; repeatable
  --as-uid UID                with --as
  --context NAME              another context than the current one
  --only-allowed              hide resources with no access at all
  --json                      JSON output

CELLS
  ✓ allowed  ✗ denied  · not applicable (the resource does not support the verb)
  ~ only named objects (resourceNames)  ? unknown  ! error
`;

export const certsHelp = `USAGE
  kubehop certs [FLAGS]       certificate expiry and TLS health of the current context

  Reads the client certificate (and checks its key belongs to it), the cluster CA bundle and
  token expiry from the kubeconfig, then does one TLS handshake per server to check its certificate the way kubectl will:
  the validity, the names (SANs) and the chain against the kubeconfig's CA. When kubectl
  would fail, the exact x509 error it will print is shown. Key and token material is never printed.

FLAGS
  -A, --all-contexts          every context, sorted by what expires first
  --context NAME              another context than the current one
  --warn-days N               warn about what expires within N days (default 30)
  --critical-days N           critical within N days (default 7)
  --offline                   do not contact the servers
  --request-timeout DURATION  per-handshake timeout (default 3s; 0: kubectl's own 10s handshake limit)
  --json                      JSON output

EXIT STATUS
  1 when anything is expired or not yet valid, expires within --warn-days, or will fail TLS;
  0 otherwise. A server that cannot be reached is shown as ERROR but does not fail the run:
  whether its certificate is fine cannot be told.
`;

export const proxyHelp = `USAGE
  kubehop proxy [FLAGS]       a local HTTP proxy to the API server, like kubectl proxy

  Requests to the proxy reach the API server of the current context (or --context), with
  that context's credentials; answers, errors and watch streams pass through unchanged.
  It runs until Ctrl-C. Same flags and defaults as kubectl proxy:

FLAGS
  -p, --port N                the port (default 8001; 0 picks a free port, printed on start)
  --address IP                the address to listen on (default 127.0.0.1)
  -u, --unix-socket PATH      listen on a Unix socket instead (private to the user)
  --api-prefix PREFIX         serve the API under PREFIX (default /)
  --accept-hosts RE,...       Host headers to accept (default ^localhost$,^127\\.0\\.0\\.1$,^\\[::1\\]$)
  --accept-paths RE,...       paths to accept (default ^.*)
  --reject-paths RE,...       paths to refuse, even if accepted
                              (default ^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach)
  --reject-methods RE,...     HTTP methods to refuse (default ^$, none; e.g. '^POST$,^PUT$')
  --disable-filter            no host, path or method checks (dangerous on an open port)
  --append-server-path        keep the path of the server URL in front of each request
  --keepalive DURATION        TCP keep-alive for upgraded connections (default 0, off)
  --context NAME              another context than the current one
  --as USER, --as-group G, --as-uid UID   impersonate, as kubectl

  Refused requests get 403 "Forbidden", as from kubectl proxy.
`;

export const apiHelp = `USAGE
  kubehop api [FLAGS]         API groups, versions and resources of the current context

  Lists what \`kubectl api-resources -o wide\` lists (the preferred version of each group), then
  every group with its versions (* preferred), their stability (GA, beta, alpha) and where they
  come from (built-in, CRD, aggregated; STALE when the aggregated server is unavailable).
  Aggregated discovery answers in two requests; older servers are read one group version at a time.

FLAGS
  --context NAME              another context than the current one
  --origins                   also say which groups come from CRDs or aggregated API servers
                              (one more request: the APIService objects)
  --json                      JSON output (groups, every version's resources, request counts)
`;

export const historyHelp = `USAGE
  kubehop history             the previous stack of contexts, newest first

  The entry numbered N is where \`kubehop ctx -N\` switches to; the current context is marked *,
  and contexts gone from the kubeconfig are listed but not numbered.

FLAGS
  --json                      JSON output (the files, and every entry with its time and number)
`;

export const completionHelp = `USAGE
  kubehop completion bash|zsh|fish   print the completion script for that shell

  It completes kubehop's commands, and context and namespace names for kubehop ctx, kubehop ns,
  kubectx and kubens (asked of kubehop itself at each Tab, so they follow the kubeconfig).

  bash   eval "$(kubehop completion bash)"
  zsh    source <(kubehop completion zsh)
  fish   kubehop completion fish | source
`;

const commandHelp = new Map([
	['ctx', ctxHelp],
	['ns', nsHelp],
	['history', historyHelp],
	['can-i', canIHelp],
	['certs', certsHelp],
	['api', apiHelp],
	['proxy', proxyHelp],
	['completion', completionHelp],
]);

/** A command's own help; the overview for no command or one kubehop does not have. */
export function helpFor(command: string | undefined): string {
	return commandHelp.get(command ?? '') ?? mainHelp;
}

/** The flags a help text defines: those in its left-hand column (`-c, --current`, `--json`). */
export function flagsIn(help: string): string[] {
	const flags = help.split('\n').flatMap((line) => [...line.matchAll(/(?:^|[\s,[])(--?[a-zA-Z][\w-]*)(?=[\s,=\]]|$)/g)].filter((match) => match.index < 28).map((match) => match[1]!));
	// `-N` stands for a number in `ctx -N`.
	return [...new Set(flags)].filter((flag) => flag !== '-N');
}
