#!/usr/bin/env bash
# Provides real Kubernetes control-plane binaries (kube-apiserver, etcd,
# kubectl) for kubehop's cluster tests, built from the official Go modules
# through the Go module proxy and cached outside the repo.
#
# Prints the directory holding the three binaries on the last line of stdout;
# everything else goes to stderr.
#
#   1. KUBEBUILDER_ASSETS set and holding all three binaries: prints it.
#   2. The version-keyed cache dir holds all three and they run and report
#      the pinned versions: prints it (fast path, no Go involved).
#   3. Otherwise builds them with Go into a temp dir next to the cache and
#      renames it into place, so an interrupted build never leaves a half cache.
#
# Pins live in the Go modules beside this script:
#   go/kube/go.mod  k8s.io/kubernetes (kube-apiserver, kubectl); its staging
#                   modules (k8s.io/api, k8s.io/client-go, ...) are required
#                   at v0.0.0 upstream, so go.mod replaces each with v0.<minor>.<patch>.
#   go/etcd/go.mod  go.etcd.io/etcd/server/v3 (etcd server, via etcdmain.Main);
#                   a separate module because kubernetes pins other etcd versions.
# To bump: edit the versions/replace lines there, run `go mod tidy` in that dir.
#
# Cache: ${KUBEHOP_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubehop/cluster}/
#        k8s-<version>-etcd-<version>/{kube-apiserver,etcd,kubectl}
#
# Exit codes: 0 ok; 3 Go missing or too old (and no usable binaries); other
# non-zero: build failure.
set -euo pipefail

# Keep stdout for the final path only.
exec 3>&1 1>&2

log() { printf 'build-binaries: %s\n' "$*" >&2; }

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kube_mod="$script_dir/go/kube"
etcd_mod="$script_dir/go/etcd"
binaries=(kube-apiserver etcd kubectl)

# Version of module $2 required by go.mod $1 (single-line or block require).
mod_version() {
  awk -v mod="$2" '
    $1 == "require" { $1 = ""; $0 = $0 }
    $1 == mod && $2 ~ /^v/ { print $2; exit }
  ' "$1"
}

k8s_version=$(mod_version "$kube_mod/go.mod" k8s.io/kubernetes)
etcd_version=$(mod_version "$etcd_mod/go.mod" go.etcd.io/etcd/server/v3)
if [[ -z $k8s_version || -z $etcd_version ]]; then
  log "cannot read pinned versions from $kube_mod/go.mod and $etcd_mod/go.mod"
  exit 1
fi

cache_root=${KUBEHOP_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubehop/cluster}
key="k8s-${k8s_version}-etcd-${etcd_version}"
cache_dir="$cache_root/$key"

done_with() {
  printf '%s\n' "$1" >&3
  exit 0
}

has_all() {
  local b
  for b in "${binaries[@]}"; do
    [[ -f $1/$b && -x $1/$b ]] || return 1
  done
}

# The binaries in $1 exist, run, and report the pinned versions.
verify_dir() {
  local d=$1 out
  has_all "$d" || return 1
  out=$("$d/kube-apiserver" --version 2>&1) || { log "$d/kube-apiserver --version failed: $out"; return 1; }
  [[ $out == "Kubernetes $k8s_version" ]] || { log "$d/kube-apiserver reports '$out', want Kubernetes $k8s_version"; return 1; }
  out=$(KUBECONFIG=/dev/null "$d/kubectl" version --client 2>&1) || { log "$d/kubectl version --client failed: $out"; return 1; }
  [[ $'\n'$out$'\n' == *$'\n'"Client Version: $k8s_version"$'\n'* ]] || { log "$d/kubectl reports '$out', want Client Version: $k8s_version"; return 1; }
  out=$("$d/etcd" --version 2>&1) || { log "$d/etcd --version failed: $out"; return 1; }
  [[ $'\n'$out$'\n' == *$'\n'"etcd Version: ${etcd_version#v}"$'\n'* ]] || { log "$d/etcd reports '$out', want etcd Version: ${etcd_version#v}"; return 1; }
}

# 1. Caller-provided binaries.
if [[ -n ${KUBEBUILDER_ASSETS:-} ]]; then
  if has_all "$KUBEBUILDER_ASSETS"; then
    done_with "$KUBEBUILDER_ASSETS"
  fi
  log "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS lacks one of ${binaries[*]}; using the build cache instead"
fi

# 2. Warm cache.
if [[ -d $cache_dir ]] && verify_dir "$cache_dir"; then
  done_with "$cache_dir"
fi

# 3. Build.
need_go() {
  log "$1"
  log "To get the binaries, either:"
  log "  - install Go >= 1.26 (a distribution package or an official Go release) and rerun this script; it builds"
  log "    kube-apiserver and kubectl $k8s_version and etcd $etcd_version through the Go module proxy; or"
  log "  - set KUBEBUILDER_ASSETS to a directory holding kube-apiserver, etcd and kubectl $k8s_version."
  exit 3
}
command -v go >/dev/null 2>&1 || need_go "'go' is not on PATH."
go_version=$(cd "$kube_mod" && go env GOVERSION 2>/dev/null) || need_go "'go env GOVERSION' failed."
if [[ $go_version =~ ^go([0-9]+)\.([0-9]+) ]]; then
  if (( BASH_REMATCH[1] == 1 && BASH_REMATCH[2] < 26 )); then
    need_go "Go $go_version is too old: the modules need Go >= 1.26."
  fi
fi

mkdir -p "$cache_root"

# Serialize concurrent builds of the same key; the loser reuses the winner's cache.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/.$key.lock"
  if ! flock -n 9; then
    log "another build of $key is running; waiting for it"
    flock 9
  fi
  if [[ -d $cache_dir ]] && verify_dir "$cache_dir"; then
    done_with "$cache_dir"
  fi
  # Holding the lock: leftovers of interrupted builds of this key are stale.
  rm -rf -- "$cache_root/.$key.build."* "$cache_root/.$key.old."*
fi

tmp_dir=$(mktemp -d "$cache_root/.$key.build.XXXXXX")
chmod 755 "$tmp_dir"
old_dir=""
build_pid=""
cleanup() {
  if [[ -n $build_pid ]]; then
    kill "$build_pid" 2>/dev/null || true
    wait "$build_pid" 2>/dev/null || true
  fi
  rm -rf -- "$tmp_dir"
  if [[ -n $old_dir ]]; then rm -rf -- "$old_dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

k8s_minor=${k8s_version#v}
k8s_major=${k8s_minor%%.*}
k8s_minor=${k8s_minor#*.}
k8s_minor=${k8s_minor%%.*}
version_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=$k8s_major -X $pkg.gitMinor=$k8s_minor -X $pkg.gitTreeState=clean"
done

export CGO_ENABLED=0
build_flags=(-mod=readonly -trimpath)

build() { # name module-dir package extra-ldflags
  local name=$1 dir=$2 pkg=$3 ldflags="-s -w$4" start=$SECONDS
  log "building $name ($pkg) with $go_version ..."
  # In the background so a signal to this script runs the cleanup at once.
  (cd "$dir" && exec go build "${build_flags[@]}" -ldflags="$ldflags" -o "$tmp_dir/$name" "$pkg") &
  build_pid=$!
  wait "$build_pid"
  build_pid=""
  log "built $name in $((SECONDS - start))s"
}

total_start=$SECONDS
log "no usable binaries in $cache_dir; building them (first run takes a while)"
build etcd "$etcd_mod" . ""
build kubectl "$kube_mod" k8s.io/kubernetes/cmd/kubectl "$version_ldflags"
build kube-apiserver "$kube_mod" k8s.io/kubernetes/cmd/kube-apiserver "$version_ldflags"

verify_dir "$tmp_dir" || { log "freshly built binaries failed verification"; exit 1; }

# Swap into place. rename(2) of a directory is atomic; a stale or broken
# cache dir is moved aside first.
if [[ -e $cache_dir ]]; then
  old_dir="$cache_root/.$key.old.$$"
  mv -T -- "$cache_dir" "$old_dir"
fi
if ! mv -T -- "$tmp_dir" "$cache_dir"; then
  if [[ -d $cache_dir ]] && verify_dir "$cache_dir"; then
    log "another build installed $cache_dir first; using it"
  else
    log "could not move $tmp_dir to $cache_dir"
    exit 1
  fi
fi
log "installed $cache_dir in $((SECONDS - total_start))s"
done_with "$cache_dir"
