package policy

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
)

// checkSecurity requires what the restricted Pod Security Standard asks of a container, read
// as the kubelet does (the container's setting wins over the pod's): non-root, no privilege
// escalation, all capabilities dropped, and a read-only root filesystem on top.
func checkSecurity(pod *corev1.PodSecurityContext, c *corev1.Container) []string {
	sc := c.SecurityContext
	if sc == nil {
		sc = &corev1.SecurityContext{}
	}
	var podNonRoot *bool
	var podUser *int64
	if pod != nil {
		podNonRoot, podUser = pod.RunAsNonRoot, pod.RunAsUser
	}
	var ps []string
	if !deref(first(sc.RunAsNonRoot, podNonRoot)) {
		ps = append(ps, "runAsNonRoot is not true")
	}
	if u := first(sc.RunAsUser, podUser); u != nil && *u == 0 {
		ps = append(ps, "runs as uid 0")
	}
	if deref(sc.Privileged) {
		ps = append(ps, "privileged")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		ps = append(ps, "allowPrivilegeEscalation is not false")
	}
	if !deref(sc.ReadOnlyRootFilesystem) {
		ps = append(ps, "readOnlyRootFilesystem is not true")
	}
	if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
		ps = append(ps, "capabilities do not drop ALL")
	} else if len(sc.Capabilities.Add) > 0 {
		ps = append(ps, "adds capabilities")
	}
	return ps
}

// first returns the first non-nil pointer.
func first[T any](ps ...*T) *T {
	for _, p := range ps {
		if p != nil {
			return p
		}
	}
	return nil
}

func deref(b *bool) bool { return b != nil && *b }
