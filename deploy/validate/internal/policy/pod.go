package policy

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// checkPod applies the per-container rules to a pod template and returns its problems.
func checkPod(s *set, namespace string, pod *corev1.PodSpec) []string {
	if len(pod.Containers) == 0 {
		return []string{"pod template has no containers"}
	}
	var ps []string
	for i := range pod.Containers {
		c := &pod.Containers[i]
		env, envProblems := s.containerEnv(namespace, c)
		var cps []string
		cps = append(cps, envProblems...)
		cps = append(cps, checkProbes(c)...)
		cps = append(cps, checkResources(c)...)
		cps = append(cps, checkSecurity(pod.SecurityContext, c)...)
		cps = append(cps, checkImage(c)...)
		cps = append(cps, checkFiles(pod, c, env)...)
		cps = append(cps, checkTLSProbes(c, env)...)
		cps = append(cps, checkPlainSecrets(env)...)
		for _, p := range cps {
			ps = append(ps, fmt.Sprintf("container %s: %s", c.Name, p))
		}
	}
	return ps
}
