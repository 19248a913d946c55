export const version = '0.1.0';

export const mainHelp = `kubehop: hop between Kubernetes contexts and namespaces, safely

USAGE
  kubehop ctx [ARGS]          switch contexts (kubectx-compatible)
  kubehop ns [ARGS]           switch namespaces (kubens-compatible)
  kubehop history             show the previous stack (--json)
  kubehop completion SHELL    print completion for bash, zsh or fish

Run as "kubectx" or "kubens" (a symlink), kubehop behaves as "kubehop ctx" or "kubehop ns".

FLAGS
  --kubeconfig FILE           use only FILE, like kubectl
  --json                      JSON output for lists, -c and history
  --no-color                  plain output (NO_COLOR is honoured too)
  --request-timeout DURATION  cluster request timeout (default 5s)
  -h, --help                  help; -V, --version  version
`;

export const ctxHelp = `USAGE (kubehop ctx, or kubectx)
  kubehop ctx                 list the contexts
  kubehop ctx NAME            switch to context NAME
  kubehop ctx -               switch to the previous context
  kubehop ctx -N              switch to the context N steps back in the history
  kubehop ctx -c, --current   print the current context
  kubehop ctx -u, --unset     unset the current context
  kubehop ctx -d NAME [...]   delete context NAME ('.' for the current one)
  kubehop ctx NEW=OLD         rename context OLD to NEW
  kubehop ctx NEW=.           rename the current context to NEW
  --json                      with the list or -c: JSON output
`;

export const nsHelp = `USAGE (kubehop ns, or kubens)
  kubehop ns                  list the namespaces of the current context
  kubehop ns NAME             switch to namespace NAME (checked on the cluster)
  kubehop ns NAME -f          switch without checking that NAME exists
  kubehop ns -                switch to the previous namespace of this context
  kubehop ns -c, --current    print the current namespace
  kubehop ns -u, --unset      unset the namespace (kubectl uses "default")
  --json                      with the list or -c: JSON output
`;
