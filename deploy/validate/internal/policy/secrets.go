package policy

import (
	"sort"
	"strings"
)

// credential reports whether an environment variable carries a secret: the MongoDB URI (it
// holds the database password) and anything named *_SECRET, *_PASSWORD or *_TOKEN.
func credential(name string) bool {
	return name == "MONGODB_URI" ||
		strings.HasSuffix(name, "_SECRET") || strings.HasSuffix(name, "_PASSWORD") || strings.HasSuffix(name, "_TOKEN")
}

// checkPlainSecrets requires credentials to come from a Secret. env holds only what the
// build knows in plain text (literal values and ConfigMaps), which anyone allowed to read the
// Deployment or the namespace's ConfigMaps can see.
func checkPlainSecrets(env map[string]string) []string {
	var ps []string
	for name, v := range env {
		if credential(name) && v != "" {
			ps = append(ps, name+" is set in plain text; take it from a Secret (secretKeyRef)")
		}
	}
	sort.Strings(ps)
	return ps
}
