package policy

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// credentialFiles are the variables naming files a Tansiq server reads at start-up: its JWT
// verification key, its server certificate, key and client CA, and the certificate, key and
// CA it dials other services with.
var credentialFiles = []string{
	"TANSIQ_JWT_PUBLIC_KEY_FILE",
	"TANSIQ_TLS_CERT_FILE",
	"TANSIQ_TLS_KEY_FILE",
	"TANSIQ_TLS_CLIENT_CA_FILE",
	"TANSIQ_TLS_DIAL_CERT_FILE",
	"TANSIQ_TLS_DIAL_KEY_FILE",
	"TANSIQ_TLS_DIAL_CA_FILE",
}

// checkFiles requires every credential file the container is told to read to lie in a mounted
// Secret or ConfigMap volume that is not optional: otherwise the pod starts without the file
// (or with an empty directory) and the server fails, or worse, runs without it.
func checkFiles(pod *corev1.PodSpec, c *corev1.Container, env map[string]string) []string {
	var ps []string
	for _, name := range credentialFiles {
		path := env[name]
		if path == "" {
			continue
		}
		m := mountFor(c, path)
		if m == nil {
			ps = append(ps, name+"="+path+" is in no volume mount")
			continue
		}
		i := slices.IndexFunc(pod.Volumes, func(v corev1.Volume) bool { return v.Name == m.Name })
		if i < 0 {
			ps = append(ps, "volume mount "+m.Name+" names no volume")
			continue
		}
		v := pod.Volumes[i]
		switch {
		case v.Secret != nil && deref(v.Secret.Optional), v.ConfigMap != nil && deref(v.ConfigMap.Optional):
			ps = append(ps, name+"="+path+" is in volume "+v.Name+", which is optional")
		case v.Secret == nil && v.ConfigMap == nil:
			ps = append(ps, name+"="+path+" is in volume "+v.Name+", which is neither a Secret nor a ConfigMap")
		}
	}
	return ps
}

// mountFor returns the container's mount holding path (the deepest one, as the kernel
// resolves nested mounts), or nil.
func mountFor(c *corev1.Container, path string) *corev1.VolumeMount {
	var best *corev1.VolumeMount
	for i := range c.VolumeMounts {
		m := &c.VolumeMounts[i]
		dir := strings.TrimSuffix(m.MountPath, "/")
		if path != dir && !strings.HasPrefix(path, dir+"/") {
			continue
		}
		if best == nil || len(m.MountPath) > len(best.MountPath) {
			best = m
		}
	}
	return best
}
