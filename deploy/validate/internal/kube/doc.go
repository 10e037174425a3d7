// Package kube turns a kustomization into Kubernetes API objects offline: it runs kustomize
// in-process and decodes every object it emits strictly into the typed API structs, so a
// misspelt or misplaced field, a wrong type, or a kind this project does not deploy is an error
// here rather than something the API server silently drops at apply time.
package kube
