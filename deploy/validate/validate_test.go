package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tansiq/tansiq/deploy/validate/internal/stack"
)

// TestDeployTree is the check CI relies on: every file set under deploy/ passes.
func TestDeployTree(t *testing.T) {
	for _, r := range validate("..") {
		for _, p := range r.problems {
			t.Errorf("%s: %s", r.subject, p)
		}
	}
}

// TestBrokenKustomizationsAreCaught builds fixtures that are the real manifests with one
// defect each, and wants that defect reported.
func TestBrokenKustomizationsAreCaught(t *testing.T) {
	for _, tt := range []struct {
		fixture string
		want    string
	}{
		{"unknown-field", `unknown field "spec.template.spec.containers[0].readinesProbe"`},
		{"wrong-type", "Deployment/meeting: decode: json: cannot unmarshal string into Go struct field GRPCAction"},
		{"unknown-kind", `no kind "Certificate" is registered`},
		{"no-probes", "Deployment/incident: container incident: no readiness probe"},
		{"no-probes", "Deployment/incident: container incident: no liveness probe"},
		{"http-probe", "Deployment/forces: container forces: liveness probe is not a gRPC probe"},
		{"no-pdb", "Deployment/forces: no PodDisruptionBudget selects its pods"},
		{"pdb-selects-nothing", "PodDisruptionBudget/meeting: selects no Deployment's pods"},
		{"runs-as-root", "Deployment/gateway: container gateway: runAsNonRoot is not true"},
		{"no-limits", "Deployment/incident: container incident: no memory limit"},
		{"tls-probe", "container meeting: TLS is on but TANSIQ_HEALTH_LISTEN is not set"},
		{"probe-on-tls-port", "Deployment/tansiq/incident: container incident: TLS is on but the readiness probe targets port 7001, not the plaintext health port 8081"},
		{"optional-cert", "Deployment/tansiq/gateway: container gateway: TANSIQ_TLS_CERT_FILE=/etc/tansiq/tls/tls.crt is in volume tls, which is optional"},
		{"plain-secret", "Deployment/incident: container incident: MONGODB_URI is set in plain text"},
		{"latest-image", "container forces: image tansiq/forces:latest uses the latest tag"},
	} {
		t.Run(tt.fixture, func(t *testing.T) {
			got := checkKustomization(filepath.Join("testdata", "k8s", tt.fixture), deployables)
			if !containsProblem(got, tt.want) {
				t.Errorf("problems = %q\nwant one containing %q", got, tt.want)
			}
		})
	}
}

// TestBrokenStackFilesAreCaught checks compose, collector and Dockerfile fixtures with known
// defects.
func TestBrokenStackFilesAreCaught(t *testing.T) {
	for _, tt := range []struct {
		name  string
		check func() ([]string, error)
		want  string
	}{
		{"missing service", compose("missing-service.yaml"), "service meeting is not defined"},
		{"address to a missing service", compose("missing-service.yaml"), "service gateway: TANSIQ_MEETING_ADDR names host meeting, which is not a service"},
		{"no replica set", compose("no-replica-set.yaml"), "service incident: MONGODB_URI names no replicaSet"},
		{"depends on nothing", compose("no-replica-set.yaml"), "service incident: depends_on mongodb, which is not a service"},
		{"module typo", compose("bad-build.yaml"), "service incident: build arg MODULE=services/incidents is not a Go module"},
		{"undeclared build arg", compose("bad-build.yaml"), "service incident: build arg TARGET is not an ARG of deploy/docker/Dockerfile"},
		{"missing config mount", compose("bad-build.yaml"), "service otel-collector: read-only bind mount ./no-such-collector.yaml does not exist"},
		{"undefined exporter", collector("undefined-exporter.yaml"), "pipeline traces: exporter file/traces is not defined"},
		{"no grpc receiver", collector("http-only.yaml"), "pipeline traces: no OTLP receiver with the grpc protocol"},
		{"no file exporter", collector("http-only.yaml"), "pipeline traces: no file exporter"},
		{"root image", dockerfile("Dockerfile.root"), "final stage does not set a non-root USER"},
		{"shell image", dockerfile("Dockerfile.root"), "final stage debian:12 is not distroless"},
		{"shell entrypoint", dockerfile("Dockerfile.root"), "final stage has no exec-form ENTRYPOINT"},
		{"cgo binary", dockerfile("Dockerfile.root"), "no RUN builds with CGO_ENABLED=0"},
		{"missing file", compose("no-such-compose.yaml"), "no such file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.check()
			if err != nil {
				got = append(got, err.Error())
			}
			if !containsProblem(got, tt.want) {
				t.Errorf("problems = %q\nwant one containing %q", got, tt.want)
			}
		})
	}
}

func compose(name string) func() ([]string, error) {
	return func() ([]string, error) {
		return stack.CheckCompose(filepath.Join("testdata", "compose", name), composeServices)
	}
}

func collector(name string) func() ([]string, error) {
	return func() ([]string, error) { return stack.CheckCollector(filepath.Join("testdata", "otel", name)) }
}

func dockerfile(name string) func() ([]string, error) {
	return func() ([]string, error) { return stack.CheckDockerfile(filepath.Join("testdata", "docker", name)) }
}

func containsProblem(ps []string, want string) bool {
	for _, p := range ps {
		if strings.Contains(p, want) {
			return true
		}
	}
	return false
}
