package stack

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeTree writes files (path -> content) under root.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for path, content := range files {
		p := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBuild(t *testing.T) {
	const main = "package main\n\nfunc main() {}\n"
	tree := map[string]string{
		"go.work": "go 1.26.0\n\nuse (\n\t./deploy/local\n\t./services/incident\n\t./services/forces\n)\n",
		// Only the workspace resolves example.com/incident/lib: Build must use the go.work.
		"deploy/local/go.mod":                    "module example.com/local\n\ngo 1.26.0\n",
		"deploy/local/cmd/tansiq-store/main.go":  "package main\n\nimport _ \"example.com/incident/lib\"\n\nfunc main() {}\n",
		"services/incident/go.mod":               "module example.com/incident\n\ngo 1.26.0\n",
		"services/incident/lib/lib.go":           "package lib\n",
		"services/incident/cmd/incident/main.go": main,
		"services/forces/go.mod":                 "module example.com/forces\n\ngo 1.26.0\n",
		"services/forces/cmd/forces/README":      "main.go is being written",
		// forces has a cmd/forces without Go files yet; meeting and gateway have no module.
	}
	root, bin := t.TempDir(), filepath.Join(t.TempDir(), "bin")
	writeTree(t, root, tree)

	// What has a command is built; what has none is an error naming it, never a skip.
	got, err := Build(context.Background(), root, bin)
	if err == nil || !strings.Contains(err.Error(), "build forces: no Go files in "+filepath.Join("services", "forces", "cmd", "forces")) {
		t.Errorf("Build: %v, want an error naming forces' missing command", err)
	}
	if want := []string{"tansiq-store", "incident"}; !slices.Equal(got, want) {
		t.Errorf("built %v, want %v", got, want)
	}
	for _, name := range got {
		if !isExecutable(filepath.Join(bin, name)) {
			t.Errorf("%s not in %s", name, bin)
		}
	}
	if isExecutable(filepath.Join(bin, "forces")) {
		t.Error("forces built without a command")
	}
}

func TestBuildReportsCompileErrors(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"go.work":                     "go 1.26.0\n\nuse ./gateway\n",
		"gateway/go.mod":              "module example.com/gateway\n\ngo 1.26.0\n",
		"gateway/cmd/gateway/main.go": "package main\n\nfunc main() { undefinedCall() }\n",
	})
	_, err := Build(context.Background(), root, filepath.Join(root, "bin"))
	if err == nil {
		t.Fatal("Build succeeded on code that does not compile")
	}
	for _, want := range []string{"build gateway", "undefinedCall"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}
