// Package policy checks decoded Kubernetes objects against the rules every Tansiq deployable
// must follow: gRPC readiness and liveness probes on a declared port, resource requests and
// limits, a non-root read-only container without capabilities, a PodDisruptionBudget and a
// Service that select it, references to ConfigMaps and mounted files that resolve,
// credentials taken from Secrets, probes that the kubelet can reach when TLS is on, and
// pinned images.
package policy
