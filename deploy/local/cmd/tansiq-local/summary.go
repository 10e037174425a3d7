package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/tansiq/tansiq/deploy/local/stack"
)

// printSummary tells a new user where everything is and how to call it.
func printSummary(w io.Writer, s *stack.Stack, cfg stack.Config) {
	fmt.Fprintf(w, "\nTansiq is running. Data in %s, logs in %s\n\n", cfg.DataDir, filepath.Join(cfg.DataDir, "logs"))
	for _, name := range stack.Names() {
		switch addr := s.Addr(name); {
		case name == stack.Store && cfg.MongoURI != "":
			fmt.Fprintf(w, "  %-9s %s\n", name, "(outside MongoDB)")
		case name == stack.Store:
			fmt.Fprintf(w, "  %-9s %s\n", name, s.MongoURI())
		case addr == "":
			fmt.Fprintf(w, "  %-9s not built yet\n", name)
		case name == stack.Gateway:
			fmt.Fprintf(w, "  %-9s %-16s the one address clients use\n", name, addr)
		case name == stack.CoTBridge:
			fmt.Fprintf(w, "  %-9s %-16s health; TAK clients: streaming CoT on %s (TCP), %s (TLS, client certificates)\n",
				name, addr, s.Addr(stack.CoTTCP), s.Addr(stack.CoTTLS))
		default:
			fmt.Fprintf(w, "  %-9s %s\n", name, addr)
		}
	}

	if url := s.WebURL(); url != "" {
		fmt.Fprintf(w, "\n  web app   %s  the common operational picture in a browser\n", url)
	}

	if s.Addr(stack.CoTBridge) != "" {
		certs := s.CoTCerts()
		fmt.Fprintf(w, "\nTAK devices (see the README's \"TAK devices\" section): CA %s, device certificates %s\n",
			certs.CACert(), certs.ClientFiles(stack.CoTDevices[0]).Cert)
	}

	target := s.Addr(stack.Gateway)
	if target == "" {
		target = s.Addr(stack.Incident) // no gateway built yet: call the service itself
	}
	if target == "" {
		return
	}
	conn := "-plaintext"
	if ca := s.CACert(); ca != "" {
		conn = "-cacert " + ca
	}
	auth := ""
	if !cfg.InsecureNoAuth {
		auth = `-H "authorization: Bearer $TANSIQ_TOKEN_PESHMERGA" `
	}
	fmt.Fprintf(w, "\nTry it:\n")
	fmt.Fprintf(w, "  grpcurl %s %s list\n", conn, target)
	fmt.Fprintf(w, "  grpcurl %s %s-d '{\"page_size\": 5, \"filter\": \"occur_time >= \\\"2021-11-01T00:00:00Z\\\"\"}' \\\n"+
		"    %s tansiq.incident.v1.IncidentService/ListIncidents\n", conn, auth, target)
}
