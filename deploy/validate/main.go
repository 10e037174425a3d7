// Command validate checks Tansiq's deployment files offline, with no cluster and no container
// engine: it builds each kustomization in-process and decodes every object strictly into the
// Kubernetes API types, checks the rules every deployable must follow (gRPC probes, resources,
// non-root security context, disruption budgets, services, mounted credentials, probes that
// work with TLS on, pinned images), and checks the compose file, the OpenTelemetry collector
// configuration and the Dockerfile.
//
// Run it from its module (it is not in go.work, hence GOWORK=off):
//
//	cd deploy/validate && GOWORK=off go run . [-deploy ..]
//
// It prints one line per file set and every problem found, and exits 1 if there is any.
// `go test ./...` runs the same checks, and also proves that broken fixtures are caught.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	deployDir := flag.String("deploy", "..", "the repository's deploy/ directory")
	flag.Parse()
	failed := 0
	for _, r := range validate(*deployDir) {
		if len(r.problems) == 0 {
			fmt.Printf("ok    %s\n", r.subject)
			continue
		}
		failed++
		fmt.Printf("FAIL  %s\n", r.subject)
		for _, p := range r.problems {
			fmt.Printf("      - %s\n", p)
		}
	}
	if failed > 0 {
		os.Exit(1)
	}
}
