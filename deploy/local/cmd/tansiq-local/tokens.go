package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tansiq/tansiq/deploy/local/stack"
)

// printTokens mints a development token for an operator of each force, prints them as
// shell exports and writes the same lines to <data-dir>/tokens.env (mode 0600), so that
// `source .data/tokens.env` works in another terminal. Without authentication it only
// says so.
func printTokens(w io.Writer, s *stack.Stack, dataDir string, ttl time.Duration) error {
	if _, err := s.Token(stack.DevIdentities[0].Identity, ttl); err != nil {
		fmt.Fprintf(w, "\nAuthentication is off (--insecure-no-auth): no token needed.\n\n")
		return nil
	}
	var b strings.Builder
	for _, op := range stack.DevIdentities {
		tok, err := s.Token(op.Identity, ttl)
		if err != nil {
			return fmt.Errorf("development token: %w", err)
		}
		fmt.Fprintf(&b, "export %s=%s\n", op.Env, tok)
	}
	path := filepath.Join(dataDir, "tokens.env")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nDevelopment tokens (operators of each force, valid %s; also in %s):\n", ttl, path)
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		fmt.Fprintf(w, "  %s\n", line)
	}
	fmt.Fprintln(w)
	return nil
}
