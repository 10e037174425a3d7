package archtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// repo is the import path every module of the repository starts with.
const repo = "github.com/tansiq/tansiq/"

// pkg is what `go list -json` says about one package.
type pkg struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// rule is one import rule: the violations it finds in a package.
type rule struct {
	name  string
	check func(p pkg) []string
}

// platformAPIs are the APIs platform/ owns: the audit trail every process serves, and the
// shared types.
var platformAPIs = []string{repo + "proto/tansiq/audit/v1", repo + "proto/tansiq/type/v1"}

// domainPackages hold the pure rules and algorithms: no transport, no database, no API types.
var domainPackages = []string{
	repo + "services/incident/internal/domain",
	repo + "services/forces/internal/domain",
	repo + "services/meeting/internal/domain",
	repo + "gateway/internal/assess",
	repo + "gateway/internal/geo",
	repo + "gateway/internal/vacuum",
}

var rules = []rule{
	{"a service imports no other service's packages and not the gateway's", func(p pkg) []string {
		svc, ok := area(p.ImportPath, "services/")
		if !ok {
			return nil
		}
		return forbidden(all(p), func(imp string) bool {
			other, ok := area(imp, "services/")
			return (ok && other != svc) || strings.HasPrefix(imp, repo+"gateway/")
		})
	}},
	{"the gateway imports no service's packages", func(p pkg) []string {
		if !strings.HasPrefix(p.ImportPath, repo+"gateway/") {
			return nil
		}
		return forbidden(all(p), func(imp string) bool { return strings.HasPrefix(imp, repo+"services/") })
	}},
	{"platform/ imports no service, no gateway, and no API but its own (production code)", func(p pkg) []string {
		if !strings.HasPrefix(p.ImportPath, repo+"platform/") {
			return nil
		}
		return forbidden(p.Imports, func(imp string) bool {
			if strings.HasPrefix(imp, repo+"proto/") {
				return !slices.ContainsFunc(platformAPIs, func(api string) bool { return under(imp, api) })
			}
			return strings.HasPrefix(imp, repo) && !strings.HasPrefix(imp, repo+"platform/")
		})
	}},
	{"a domain package imports no gRPC, no MongoDB driver, no store and no API types", func(p pkg) []string {
		if !slices.Contains(domainPackages, p.ImportPath) {
			return nil
		}
		return forbidden(p.Imports, func(imp string) bool {
			return under(imp, "google.golang.org/grpc") || under(imp, "go.mongodb.org/mongo-driver/v2") ||
				under(imp, repo+"proto") || under(imp, repo+"platform/store")
		})
	}},
	{"proto/ imports no other module of the repository", func(p pkg) []string {
		if !strings.HasPrefix(p.ImportPath, repo+"proto/") {
			return nil
		}
		return forbidden(all(p), func(imp string) bool {
			return strings.HasPrefix(imp, repo) && !strings.HasPrefix(imp, repo+"proto/")
		})
	}},
	{"the deployables (platform, services, gateway) import no e2e suite, CLI, benchmark or launcher", func(p pkg) []string {
		if !slices.ContainsFunc([]string{"platform/", "services/", "gateway/"}, func(d string) bool {
			return strings.HasPrefix(p.ImportPath, repo+d)
		}) {
			return nil
		}
		return forbidden(all(p), func(imp string) bool {
			return under(imp, repo+"e2e") || under(imp, repo+"cli") || under(imp, repo+"bench") || under(imp, repo+"deploy")
		})
	}},
}

// TestImportRules checks every package of every module in go.work against the rules.
func TestImportRules(t *testing.T) {
	pkgs := load(t)
	if len(pkgs) < 50 {
		t.Fatalf("go list found %d packages: the modules of go.work were not all read", len(pkgs))
	}
	for _, r := range rules {
		for _, p := range pkgs {
			for _, v := range r.check(p) {
				t.Errorf("%s: %s imports %s", r.name, strings.TrimPrefix(p.ImportPath, repo), v)
			}
		}
	}
}

// TestRulesCatchViolations: each rule finds a package that breaks it, so a rule that no
// longer matches anything cannot pass unnoticed.
func TestRulesCatchViolations(t *testing.T) {
	bad := []pkg{
		{ImportPath: repo + "services/meeting/internal/handler", Imports: []string{repo + "services/forces/internal/domain"}},
		{ImportPath: repo + "gateway/internal/zones", Imports: []string{repo + "services/incident/internal/store"}},
		{ImportPath: repo + "platform/app", Imports: []string{repo + "proto/tansiq/gateway/v1"}},
		{ImportPath: repo + "services/incident/internal/domain", Imports: []string{"google.golang.org/grpc/status"}},
		{ImportPath: repo + "proto/tansiq/incident/v1", Imports: []string{repo + "platform/apperr"}},
		{ImportPath: repo + "gateway/internal/wiring", Imports: []string{repo + "e2e/harness"}},
	}
	for i, r := range rules {
		if got := r.check(bad[i]); len(got) == 0 {
			t.Errorf("rule %q let %s import %v", r.name, bad[i].ImportPath, bad[i].Imports)
		}
	}
	ok := pkg{ImportPath: repo + "platform/audit", Imports: []string{repo + "proto/tansiq/audit/v1", repo + "platform/apperr"}}
	for _, r := range rules {
		if got := r.check(ok); len(got) != 0 {
			t.Errorf("rule %q refused %s importing %v", r.name, ok.ImportPath, got)
		}
	}
}

// load lists every package of the modules go.work uses, from the repository root.
func load(t *testing.T) []pkg {
	t.Helper()
	root := repoRoot(t)
	var work struct{ Use []struct{ DiskPath string } }
	out, err := goCmd(root, "work", "edit", "-json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &work); err != nil {
		t.Fatal(err)
	}
	args := []string{"list", "-e", "-json=ImportPath,Imports,TestImports,XTestImports"}
	for _, u := range work.Use {
		args = append(args, u.DiskPath+"/...")
	}
	out, err = goCmd(root, args...)
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// repoRoot is the nearest directory above the test's that holds go.work.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.work above the test's directory")
		}
		dir = parent
	}
}

// goCmd runs the go command in dir with the workspace on, whatever GOWORK the test ran with.
func goCmd(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK="+filepath.Join(dir, "go.work"), "GOFLAGS=")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// area returns the directory right under prefix that path is in ("forces" for
// ".../services/forces/internal/handler" and prefix "services/").
func area(path, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(path, repo+prefix)
	if !ok {
		return "", false
	}
	name, _, _ := strings.Cut(rest, "/")
	return name, true
}

// under reports whether path is pkg or a package below it.
func under(path, pkg string) bool {
	return path == pkg || strings.HasPrefix(path, pkg+"/")
}

func all(p pkg) []string {
	return slices.Concat(p.Imports, p.TestImports, p.XTestImports)
}

func forbidden(imports []string, bad func(string) bool) []string {
	var out []string
	for _, imp := range imports {
		if bad(imp) {
			out = append(out, imp)
		}
	}
	return out
}
