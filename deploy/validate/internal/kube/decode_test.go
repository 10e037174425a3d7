package kube

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
)

func TestDecode(t *testing.T) {
	const head = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: gateway\n  namespace: tansiq\n"
	for _, tt := range []struct {
		name    string
		doc     string
		wantID  string
		wantErr string
	}{
		{"valid", head + "spec:\n  maxUnavailable: 1\n", "PodDisruptionBudget/tansiq/gateway", ""},
		{"unknown field", head + "spec:\n  maxUnavailabel: 1\n", "", `unknown field "spec.maxUnavailabel"`},
		{"duplicate field", head + "spec:\n  maxUnavailable: 1\n  maxUnavailable: 2\n", "", "already set"},
		{"wrong type", head + "spec:\n  selector: app\n", "", "cannot unmarshal string"},
		{"unknown kind", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: gateway\n", "", `no kind "Ingress" is registered`},
		{"wrong version", "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: gateway\n", "", `no kind "Deployment" is registered for version "apps/v1beta1"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			obj, err := Decode([]byte(tt.doc))
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if (tt.wantErr == "") != (err == nil) || !strings.Contains(gotErr, tt.wantErr) {
				t.Fatalf("Decode error = %q, want one containing %q", gotErr, tt.wantErr)
			}
			if err == nil && ID(obj) != tt.wantID {
				t.Errorf("ID = %q, want %q", ID(obj), tt.wantID)
			}
		})
	}
}

func TestBuildDecodesTypedObjects(t *testing.T) {
	objs, err := Build("../../../k8s/base")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		if d, ok := o.(*appsv1.Deployment); ok {
			got = append(got, d.Name)
		}
	}
	if want := "gateway incident forces meeting cotbridge"; strings.Join(got, " ") != want {
		t.Errorf("Deployments = %q, want %q", got, want)
	}
}
