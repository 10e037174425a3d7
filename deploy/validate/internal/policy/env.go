package policy

import (
	corev1 "k8s.io/api/core/v1"
)

// containerEnv resolves the environment a container will start with as far as the build
// knows it: envFrom ConfigMaps, then env entries (later ones win, as in the kubelet). Values
// from Secrets or the downward API are not known offline and are left out. It also reports
// ConfigMap references that the build does not satisfy, which would keep the pod from starting.
func (s *set) containerEnv(namespace string, c *corev1.Container) (map[string]string, []string) {
	env := map[string]string{}
	var ps []string
	for _, from := range c.EnvFrom {
		ref := from.ConfigMapRef
		if ref == nil {
			continue
		}
		cm, ok := s.configMaps[nsName{namespace, ref.Name}]
		if !ok {
			if !deref(ref.Optional) {
				ps = append(ps, "envFrom ConfigMap "+ref.Name+" is not in the build")
			}
			continue
		}
		for k, v := range cm.Data {
			env[from.Prefix+k] = v
		}
	}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = e.Value
		case e.ValueFrom.ConfigMapKeyRef != nil:
			ref := e.ValueFrom.ConfigMapKeyRef
			cm, ok := s.configMaps[nsName{namespace, ref.Name}]
			v, hasKey := "", false
			if ok {
				v, hasKey = cm.Data[ref.Key]
			}
			switch {
			case hasKey:
				env[e.Name] = v
			case deref(ref.Optional):
			case !ok:
				ps = append(ps, "env "+e.Name+": ConfigMap "+ref.Name+" is not in the build")
			default:
				ps = append(ps, "env "+e.Name+": ConfigMap "+ref.Name+" has no key "+ref.Key)
			}
		default:
			delete(env, e.Name)
		}
	}
	return env, ps
}
