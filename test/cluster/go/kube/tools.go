//go:build tools

// Package tools pins the Kubernetes commands that build-binaries.sh builds
// (kube-apiserver and kubectl from k8s.io/kubernetes), so go.mod/go.sum
// cover all of their dependencies.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
