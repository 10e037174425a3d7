package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// Role is what a caller may do. Roles are carried in tokens as these lower-case strings.
type Role string

// The roles. A person is a viewer, an operator or a commander of one force; RoleService is
// a program (the gateway, another service) calling on its own behalf.
const (
	RoleViewer    Role = "viewer"    // reads everything, changes nothing
	RoleOperator  Role = "operator"  // changes the records of their own force
	RoleCommander Role = "commander" // as an operator; kept apart so flows can ask for rank later
	RoleService   Role = "service"   // a service; reads, and changes nothing on its own behalf
)

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool {
	switch r {
	case RoleViewer, RoleOperator, RoleCommander, RoleService:
		return true
	}
	return false
}

// ParseRole returns the role named by s (case-insensitive).
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", fmt.Errorf("auth: unknown role %q", s)
	}
	return r, nil
}

// Identity is an authenticated caller.
type Identity struct {
	// Subject names the caller: a person's resource name ("forces/peshmerga/people/jamal")
	// or, for services, "services/<name>".
	Subject string
	// Force is the force the caller speaks for, e.g. "forces/peshmerga"; empty for services.
	Force string
	// Role is what the caller may do.
	Role Role
	// DisplayName is a human-readable name for logs and audit records; never used for decisions.
	DisplayName string
	// Via is the service whose verified client certificate carried a forwarded token, e.g.
	// "gateway"; empty when the caller connected directly or without mTLS. Audit only.
	Via string
}

// IsService reports whether the caller is a program acting on its own behalf.
func (id Identity) IsService() bool { return id.Role == RoleService }

// LogValue lets slog print an identity without its display name, which may be personal data.
func (id Identity) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("subject", id.Subject), slog.String("role", string(id.Role))}
	if id.Force != "" {
		attrs = append(attrs, slog.String("force", id.Force))
	}
	if id.Via != "" {
		attrs = append(attrs, slog.String("via", id.Via))
	}
	return slog.GroupValue(attrs...)
}

// ServicePrefix prefixes the Subject of a service identity.
const ServicePrefix = "services/"

// ServiceIdentity is the identity of the named service calling on its own behalf.
func ServiceIdentity(name string) Identity {
	return Identity{Subject: ServicePrefix + name, Role: RoleService, DisplayName: name}
}

// validForce reports whether s is a force resource name, "forces/{force}".
func validForce(s string) bool {
	id, ok := strings.CutPrefix(s, "forces/")
	return ok && id != "" && !strings.Contains(id, "/")
}

// check reports why id cannot be used to make decisions, or nil. It is the one definition
// of a well-formed identity, shared by token verification, minting and authorization.
func (id Identity) check() error {
	switch {
	case id.Subject == "":
		return errors.New("no subject")
	case !id.Role.Valid():
		return fmt.Errorf("unknown role %q", id.Role)
	case id.Role != RoleService && !validForce(id.Force):
		return fmt.Errorf("force %q is not a force resource name", id.Force)
	case id.Role == RoleService && id.Force != "":
		return errors.New("a service speaks for no force")
	case id.Role == RoleService && !validChild(id.Subject, "services"):
		return fmt.Errorf("service subject %q is not \"services/{service}\"", id.Subject)
	case id.Role != RoleService && !validChild(id.Subject, id.Force+"/people"):
		// A person speaks only for the force they belong to.
		return fmt.Errorf("subject %q is not a person of %s", id.Subject, id.Force)
	}
	return nil
}

// validChild reports whether name is "{parent}/{id}" with one non-empty id segment.
func validChild(name, parent string) bool {
	id, ok := strings.CutPrefix(name, parent+"/")
	return ok && id != "" && !strings.Contains(id, "/")
}

type identityKey struct{}

// WithIdentity returns a context carrying id.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// FromContext returns the identity the authentication interceptor stored, if any.
func FromContext(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}
