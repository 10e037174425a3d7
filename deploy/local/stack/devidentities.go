package stack

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/tansiq/tansiq/platform/auth"
)

// DevIdentity is a person the development stack mints tokens for: `make run` prints
// their tokens, and the web app's development sign-in lists them.
type DevIdentity struct {
	// Env is the shell variable `make run` exports the token as.
	Env string
	auth.Identity
}

// DevIdentities are a duty operator of each force, so that a user can act as either side.
var DevIdentities = []DevIdentity{
	{"TANSIQ_TOKEN_PESHMERGA", auth.Identity{
		Subject: "forces/peshmerga/people/dev-operator", Force: "forces/peshmerga",
		Role: auth.RoleOperator, DisplayName: "Peshmerga duty operator (development)"}},
	{"TANSIQ_TOKEN_IRAQI_ARMY", auth.Identity{
		Subject: "forces/iraqi-army/people/dev-operator", Force: "forces/iraqi-army",
		Role: auth.RoleOperator, DisplayName: "Iraqi army duty operator (development)"}},
}

// webIdentity is one entry of the file the gateway serves to the web app's development
// sign-in.
type webIdentity struct {
	Subject     string `json:"subject"`
	Force       string `json:"force"`
	Role        string `json:"role"`
	DisplayName string `json:"displayName"`
	Token       string `json:"token"`
}

// writeDevIdentities mints a token for every development identity and writes them, mode
// 0600, where the gateway reads them for the web app's development sign-in.
func writeDevIdentities(path string, signer *auth.Signer, ttl time.Duration) error {
	var out []webIdentity
	for _, d := range DevIdentities {
		tok, err := signer.Mint(d.Identity, ttl)
		if err != nil {
			return fmt.Errorf("stack: development identity token: %w", err)
		}
		out = append(out, webIdentity{Subject: d.Subject, Force: d.Force, Role: string(d.Role), DisplayName: d.DisplayName, Token: tok})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("stack: development identities: %w", err)
	}
	return nil
}
