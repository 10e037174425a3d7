package kube

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
)

// Object is one decoded Kubernetes object: a pointer to its typed API struct, such as
// *appsv1.Deployment.
type Object = runtime.Object

// scheme holds only the API groups Tansiq deploys, so any other kind fails to decode: a typo in
// apiVersion or kind is caught, and a new kind is a deliberate change here.
var scheme = runtime.NewScheme()

func init() {
	utilruntime.Must(corev1.AddToScheme(scheme))
	utilruntime.Must(appsv1.AddToScheme(scheme))
	utilruntime.Must(policyv1.AddToScheme(scheme))
	utilruntime.Must(autoscalingv2.AddToScheme(scheme))
}

// strict rejects unknown and duplicate fields, which the API server would otherwise drop or
// merge without a word.
var strict = serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()

// Decode decodes one YAML or JSON document into its typed API struct, strictly: unknown fields,
// duplicate fields, wrong value types and unregistered kinds are errors.
func Decode(doc []byte) (Object, error) {
	obj, gvk, err := strict.Decode(doc, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if _, err := meta.Accessor(obj); err != nil {
		return nil, fmt.Errorf("decode %s: not an object with metadata: %w", gvk, err)
	}
	return obj, nil
}

// ID names an object the way kubectl does, with its namespace when it has one:
// "Deployment/tansiq/gateway" or "Deployment/gateway".
func ID(o Object) string {
	kind := o.GetObjectKind().GroupVersionKind().Kind
	m, err := meta.Accessor(o)
	if err != nil {
		return kind
	}
	if ns := m.GetNamespace(); ns != "" {
		return kind + "/" + ns + "/" + m.GetName()
	}
	return kind + "/" + m.GetName()
}
