package policy

import (
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"

	"github.com/tansiq/tansiq/deploy/validate/internal/kube"
)

// set is the objects of one kustomize build, by kind.
type set struct {
	deployments []*appsv1.Deployment
	services    []*corev1.Service
	pdbs        []*policyv1.PodDisruptionBudget
	hpas        []*autoscalingv2.HorizontalPodAutoscaler
	configMaps  map[nsName]*corev1.ConfigMap
}

type nsName struct{ namespace, name string }

// Check applies every rule to the objects of one build (they are checked together, since a
// PodDisruptionBudget or Service is only right relative to the Deployments beside it) and
// returns what breaks them, in a stable order; none means the build passes.
func Check(objs []kube.Object) []Finding {
	s := set{configMaps: map[nsName]*corev1.ConfigMap{}}
	for _, o := range objs {
		switch o := o.(type) {
		case *appsv1.Deployment:
			s.deployments = append(s.deployments, o)
		case *corev1.Service:
			s.services = append(s.services, o)
		case *policyv1.PodDisruptionBudget:
			s.pdbs = append(s.pdbs, o)
		case *autoscalingv2.HorizontalPodAutoscaler:
			s.hpas = append(s.hpas, o)
		case *corev1.ConfigMap:
			s.configMaps[nsName{o.Namespace, o.Name}] = o
		}
	}
	var fs []Finding
	for _, d := range s.deployments {
		id := kube.ID(d)
		for _, p := range checkPod(&s, d.Namespace, &d.Spec.Template.Spec) {
			fs = append(fs, Finding{id, p})
		}
		fs = append(fs, s.checkSelection(d)...)
	}
	fs = append(fs, s.checkServices()...)
	fs = append(fs, s.checkBudgets()...)
	fs = append(fs, s.checkAutoscalers()...)
	return fs
}
