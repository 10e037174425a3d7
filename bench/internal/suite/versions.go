package suite

import (
	"context"
	"os/exec"
	"strings"
)

// modulesOfInterest are the dependencies whose versions the report states.
var modulesOfInterest = []string{
	"google.golang.org/grpc", "google.golang.org/protobuf", "go.mongodb.org/mongo-driver/v2",
	"github.com/FerretDB/FerretDB", "go.opentelemetry.io/otel",
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc",
	"github.com/golang-jwt/jwt/v5", "github.com/tidwall/rtree", "github.com/paulmach/orb",
}

// versions returns `go version`, the versions of modulesOfInterest in the workspace, and
// the commit checked out (with "+changes" when the tree differs from it).
func versions(ctx context.Context, repo string) (goVersion string, modules [][2]string, commit string, dirty []string) {
	goVersion = strings.TrimSpace(output(ctx, repo, "go", "version"))
	args := append([]string{"list", "-m", "-f", "{{.Path}} {{.Version}}"}, modulesOfInterest...)
	for _, line := range strings.Split(strings.TrimSpace(output(ctx, repo, "go", args...)), "\n") {
		if path, v, ok := strings.Cut(line, " "); ok {
			modules = append(modules, [2]string{path, v})
		}
	}
	commit = strings.TrimSpace(output(ctx, repo, "git", "rev-parse", "--short", "HEAD"))
	dirty = dirtyPaths(output(ctx, repo, "git", "status", "--porcelain"))
	if len(dirty) > 0 {
		commit += " +changes"
	}
	return goVersion, modules, commit, dirty
}

// dirtyPaths are the paths `git status --porcelain` lists.
func dirtyPaths(porcelain string) []string {
	var out []string
	for _, line := range strings.Split(porcelain, "\n") {
		if len(line) > 3 {
			out = append(out, strings.TrimSpace(line[3:]))
		}
	}
	return out
}

// output runs a command and returns its standard output, or "" when it fails.
func output(ctx context.Context, dir, name string, args ...string) string {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return string(out)
}
