package policy

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// checkProbes requires native gRPC readiness and liveness probes (grpc.health.v1, which every
// Tansiq server serves) on a port the container declares; a startup probe is optional but, when
// present, held to the same port rule.
func checkProbes(c *corev1.Container) []string {
	var ps []string
	for _, p := range []struct {
		kind     string
		probe    *corev1.Probe
		required bool
	}{
		{"readiness", c.ReadinessProbe, true},
		{"liveness", c.LivenessProbe, true},
		{"startup", c.StartupProbe, false},
	} {
		switch {
		case p.probe == nil && p.required:
			ps = append(ps, "no "+p.kind+" probe")
		case p.probe == nil:
		case p.probe.GRPC == nil:
			ps = append(ps, p.kind+" probe is not a gRPC probe")
		case !declaresPort(c, p.probe.GRPC.Port):
			ps = append(ps, fmt.Sprintf("%s probe port %d is not a container port", p.kind, p.probe.GRPC.Port))
		}
	}
	return ps
}

func declaresPort(c *corev1.Container, port int32) bool {
	for _, p := range c.Ports {
		if p.ContainerPort == port {
			return true
		}
	}
	return false
}
