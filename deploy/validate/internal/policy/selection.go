package policy

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/tansiq/tansiq/deploy/validate/internal/kube"
)

// checkSelection requires the Deployment's selector to match its own pod template (the API
// server refuses it otherwise), exactly one PodDisruptionBudget to select its pods (the
// eviction API refuses to evict a pod that two budgets select), and a Service to reach them.
func (s *set) checkSelection(d *appsv1.Deployment) []Finding {
	id, pods := kube.ID(d), d.Spec.Template.Labels
	var fs []Finding
	if !selects(d.Spec.Selector, pods) {
		fs = append(fs, Finding{id, "selector does not match the pod template's labels"})
	}
	var budgets []string
	for _, b := range s.pdbs {
		if b.Namespace == d.Namespace && selects(b.Spec.Selector, pods) {
			budgets = append(budgets, b.Name)
		}
	}
	switch len(budgets) {
	case 0:
		fs = append(fs, Finding{id, "no PodDisruptionBudget selects its pods"})
	case 1:
	default:
		fs = append(fs, Finding{id, fmt.Sprintf("PodDisruptionBudgets %v all select its pods; evictions would fail", budgets)})
	}
	served := false
	for _, svc := range s.services {
		served = served || (svc.Namespace == d.Namespace && selectsMap(svc.Spec.Selector, pods))
	}
	if !served {
		fs = append(fs, Finding{id, "no Service selects its pods"})
	}
	return fs
}

// checkServices requires each Service with a selector to select some Deployment's pods and
// each of its target ports to be a port those pods declare.
func (s *set) checkServices() []Finding {
	var fs []Finding
	for _, svc := range s.services {
		if len(svc.Spec.Selector) == 0 {
			continue // endpoints managed by hand, on purpose
		}
		id := kube.ID(svc)
		var backends []*appsv1.Deployment
		for _, d := range s.deployments {
			if d.Namespace == svc.Namespace && selectsMap(svc.Spec.Selector, d.Spec.Template.Labels) {
				backends = append(backends, d)
			}
		}
		if len(backends) == 0 {
			fs = append(fs, Finding{id, "selects no Deployment's pods"})
			continue
		}
		for _, p := range svc.Spec.Ports {
			target := p.TargetPort
			if target.Type == intstr.Int && target.IntVal == 0 {
				target = intstr.FromInt32(p.Port) // unset: the Service port
			}
			for _, d := range backends {
				if !podDeclares(d, target) {
					fs = append(fs, Finding{id, fmt.Sprintf("port %s: target port %s is not a port of %s", p.Name, target.String(), kube.ID(d))})
				}
			}
		}
	}
	return fs
}

// checkBudgets requires each PodDisruptionBudget to select some Deployment's pods: one that
// selects none protects nothing, usually because of a label typo.
func (s *set) checkBudgets() []Finding {
	var fs []Finding
	for _, b := range s.pdbs {
		found := false
		for _, d := range s.deployments {
			found = found || (d.Namespace == b.Namespace && selects(b.Spec.Selector, d.Spec.Template.Labels))
		}
		if !found {
			fs = append(fs, Finding{kube.ID(b), "selects no Deployment's pods"})
		}
	}
	return fs
}

// checkAutoscalers requires each HorizontalPodAutoscaler to target a Deployment in the build.
func (s *set) checkAutoscalers() []Finding {
	var fs []Finding
	for _, h := range s.hpas {
		ref := h.Spec.ScaleTargetRef
		found := false
		for _, d := range s.deployments {
			found = found || (ref.Kind == "Deployment" && ref.APIVersion == "apps/v1" && d.Namespace == h.Namespace && d.Name == ref.Name)
		}
		if !found {
			fs = append(fs, Finding{kube.ID(h), fmt.Sprintf("targets %s %s/%s, which is not in the build", ref.APIVersion, ref.Kind, ref.Name)})
		}
	}
	return fs
}

func podDeclares(d *appsv1.Deployment, target intstr.IntOrString) bool {
	for _, c := range d.Spec.Template.Spec.Containers {
		for _, p := range c.Ports {
			if (target.Type == intstr.String && p.Name == target.StrVal) ||
				(target.Type == intstr.Int && p.ContainerPort == target.IntVal) {
				return true
			}
		}
	}
	return false
}

// selects reports whether a label selector matches the labels; a malformed selector matches
// nothing. An empty selector matches everything, as it does for a PodDisruptionBudget.
func selects(sel *metav1.LabelSelector, lbls map[string]string) bool {
	if sel == nil {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && s.Matches(labels.Set(lbls))
}

// selectsMap reports whether a Service's equality selector matches the labels.
func selectsMap(sel, lbls map[string]string) bool {
	return len(sel) > 0 && labels.SelectorFromSet(sel).Matches(labels.Set(lbls))
}
