package policy

import (
	corev1 "k8s.io/api/core/v1"
)

// checkResources requires CPU and memory requests and limits, with each request no larger than
// its limit (the API server refuses that too, but only at apply time).
func checkResources(c *corev1.Container) []string {
	var ps []string
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, hasReq := c.Resources.Requests[name]
		lim, hasLim := c.Resources.Limits[name]
		if !hasReq {
			ps = append(ps, "no "+string(name)+" request")
		}
		if !hasLim {
			ps = append(ps, "no "+string(name)+" limit")
		}
		if hasReq && hasLim && req.Cmp(lim) > 0 {
			ps = append(ps, string(name)+" request "+req.String()+" exceeds its limit "+lim.String())
		}
	}
	return ps
}
