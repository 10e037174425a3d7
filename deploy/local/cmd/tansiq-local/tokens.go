package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tansiq/tansiq/deploy/local/stack"
	"github.com/tansiq/tansiq/platform/auth"
)

// devOperators are the people the development tokens speak for: a duty operator of each
// force, so that a user can act as either side in one paste.
var devOperators = []struct {
	env string
	id  auth.Identity
}{
	{"TANSIQ_TOKEN_PESHMERGA", auth.Identity{
		Subject: "forces/peshmerga/people/dev-operator", Force: "forces/peshmerga",
		Role: auth.RoleOperator, DisplayName: "Peshmerga duty operator (development)"}},
	{"TANSIQ_TOKEN_IRAQI_ARMY", auth.Identity{
		Subject: "forces/iraqi-army/people/dev-operator", Force: "forces/iraqi-army",
		Role: auth.RoleOperator, DisplayName: "Iraqi army duty operator (development)"}},
}

// printTokens mints a development token for an operator of each force, prints them as
// shell exports and writes the same lines to <data-dir>/tokens.env (mode 0600), so that
// `source .data/tokens.env` works in another terminal. Without authentication it only
// says so.
func printTokens(w io.Writer, s *stack.Stack, dataDir string, ttl time.Duration) error {
	if _, err := s.Token(devOperators[0].id, ttl); err != nil {
		fmt.Fprintf(w, "\nAuthentication is off (--insecure-no-auth): no token needed.\n\n")
		return nil
	}
	var b strings.Builder
	for _, op := range devOperators {
		tok, err := s.Token(op.id, ttl)
		if err != nil {
			return fmt.Errorf("development token: %w", err)
		}
		fmt.Fprintf(&b, "export %s=%s\n", op.env, tok)
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
