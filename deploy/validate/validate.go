package main

import (
	"path/filepath"
	"strings"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/tansiq/tansiq/deploy/validate/internal/kube"
	"github.com/tansiq/tansiq/deploy/validate/internal/policy"
	"github.com/tansiq/tansiq/deploy/validate/internal/stack"
)

// deployables are the servers that every Kubernetes build and the compose file must run.
var deployables = []string{"gateway", "incident", "forces", "meeting", "cotbridge"}

// composeServices are the deployables plus what they need to run on one machine.
var composeServices = append([]string{"mongo", "otel-collector"}, deployables...)

// kustomizations are the builds to check, relative to the deploy/ directory.
var kustomizations = []string{"k8s/base", "k8s/overlays/production"}

// result is what the checks found in one file set; no problems means it passes.
type result struct {
	subject  string
	problems []string
}

// validate runs every check on the deploy/ directory. A file that cannot be read or parsed
// is a problem of its file set, not a reason to stop, so one run reports everything.
func validate(deployDir string) []result {
	var rs []result
	for _, k := range kustomizations {
		rs = append(rs, result{k, checkKustomization(filepath.Join(deployDir, k), deployables)})
	}
	rs = append(rs,
		result{"compose/compose.yaml", problems(stack.CheckCompose(filepath.Join(deployDir, "compose", "compose.yaml"), composeServices))},
		result{"otel/collector.yaml", problems(stack.CheckCollector(filepath.Join(deployDir, "otel", "collector.yaml")))},
		result{"docker/Dockerfile", problems(stack.CheckDockerfile(filepath.Join(deployDir, "docker", "Dockerfile")))},
	)
	return rs
}

// checkKustomization builds dir, decodes it strictly and applies the policy, and requires a
// Deployment for each name in want.
func checkKustomization(dir string, want []string) []string {
	objs, err := kube.Build(dir)
	if err != nil {
		return strings.Split(err.Error(), "\n") // one line per object that failed
	}
	have := map[string]bool{}
	for _, o := range objs {
		if d, ok := o.(*appsv1.Deployment); ok {
			have[d.Name] = true
		}
	}
	var ps []string
	for _, name := range want {
		if !have[name] {
			ps = append(ps, "no Deployment "+name)
		}
	}
	for _, f := range policy.Check(objs) {
		ps = append(ps, f.String())
	}
	return ps
}

func problems(ps []string, err error) []string {
	if err != nil {
		return append(ps, err.Error())
	}
	return ps
}
