package command

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/tansiq/tansiq/cli/internal/problem"
	"github.com/tansiq/tansiq/platform/auth"
)

func init() {
	register("token", leaf{
		usage:   "token --subject PERSON --force FORCE --role ROLE --key PRIVATE_KEY.pem [--ttl 12h]",
		summary: "print a development token signed with the given key (make run's key is .data/keys/jwt-ed25519.key)",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			subject := fs.String("subject", "", "who: forces/{force}/people/{person}, or just the person's id with --force")
			force := fs.String("force", "", "the force spoken for: forces/{force} or its id (peshmerga, iraqi-army)")
			role := fs.String("role", "operator", "viewer, operator or commander")
			key := fs.String("key", "", "Ed25519 private key (PEM, PKCS #8) the services trust")
			ttl := fs.Duration("ttl", 12*time.Hour, "how long the token is valid")
			name := fs.String("name", "", "display name for logs and audit records")
			issuer := fs.String("issuer", auth.DefaultIssuer, "token issuer the services expect")
			audience := fs.String("audience", auth.DefaultAudience, "token audience the services expect")
			return func(e *env, args []string) error {
				if len(args) > 0 {
					return problem.Usagef("unexpected argument %q", args[0])
				}
				if *key == "" || *subject == "" {
					return problem.Usagef("--key and --subject are required")
				}
				r, err := auth.ParseRole(*role)
				if err != nil {
					return problem.Usagef("--role: %v", err)
				}
				id := auth.Identity{Subject: *subject, Force: resourceName("forces", *force), Role: r, DisplayName: *name}
				if !strings.Contains(id.Subject, "/") && id.Force != "" {
					id.Subject = id.Force + "/people/" + id.Subject
				}
				priv, err := auth.LoadPrivateKey(*key)
				if err != nil {
					return err
				}
				tok, err := auth.NewSigner(priv, *issuer, *audience).Mint(id, *ttl)
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, tok)
				return nil
			}
		},
	})
}
