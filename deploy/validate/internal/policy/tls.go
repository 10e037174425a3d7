package policy

import (
	"fmt"
	"net"
	"strconv"

	corev1 "k8s.io/api/core/v1"
)

// checkTLSProbes catches probes that cannot work once TLS is on. The kubelet's gRPC probe
// connects in plaintext (TLS needs the alpha GRPCContainerProbeTLS gate, and even then it
// presents no client certificate for mTLS), so with TANSIQ_TLS_CERT_FILE set the probes must
// target the plaintext health-only listener TANSIQ_HEALTH_LISTEN, on a port of its own.
func checkTLSProbes(c *corev1.Container, env map[string]string) []string {
	if env["TANSIQ_TLS_CERT_FILE"] == "" {
		return nil
	}
	addr := env["TANSIQ_HEALTH_LISTEN"]
	if addr == "" {
		return []string{"TLS is on but TANSIQ_HEALTH_LISTEN is not set, so the kubelet's plaintext gRPC probes have nothing to reach"}
	}
	health, err := portOf(addr)
	if err != nil {
		return []string{"TANSIQ_HEALTH_LISTEN: " + err.Error()}
	}
	var ps []string
	if listen, err := portOf(env["TANSIQ_LISTEN"]); err == nil && listen == health {
		ps = append(ps, fmt.Sprintf("TANSIQ_HEALTH_LISTEN and TANSIQ_LISTEN share port %d; the health port must be plaintext", health))
	}
	for _, p := range []struct {
		kind  string
		probe *corev1.Probe
	}{{"readiness", c.ReadinessProbe}, {"liveness", c.LivenessProbe}, {"startup", c.StartupProbe}} {
		if p.probe != nil && p.probe.GRPC != nil && p.probe.GRPC.Port != health {
			ps = append(ps, fmt.Sprintf("TLS is on but the %s probe targets port %d, not the plaintext health port %d", p.kind, p.probe.GRPC.Port, health))
		}
	}
	return ps
}

// portOf returns the port of a listen address such as ":8081" or "0.0.0.0:8081".
func portOf(addr string) (int32, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, fmt.Errorf("listen address %q: %w", addr, err)
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("listen address %q: port is not a number from 1 to 65535", addr)
	}
	return int32(n), nil
}
