package stack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

// deployables are the module directory (from the repository root) and command of each
// process's binary.
var deployables = []struct{ module, name string }{
	{"deploy/local", Binary(Store)},
	{"services/incident", Incident},
	{"services/forces", Forces},
	{"services/meeting", Meeting},
	{"gateway", Gateway},
	{"services/cotbridge", CoTBridge},
}

// Build compiles the binary of every process whose module has a cmd/<name> directory into
// binDir (`go build -o binDir/<name> ./cmd/<name>` in the module, with the go.work at
// repoRoot) and returns the file names of the binaries it built, in start order. A
// deployable without its command is an error: the stack needs every one.
func Build(ctx context.Context, repoRoot, binDir string) ([]string, error) {
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		return nil, err
	}
	bin, err := filepath.Abs(binDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return nil, fmt.Errorf("stack: %w", err)
	}
	var (
		wg    sync.WaitGroup
		errs  = make([]error, len(deployables))
		built = make([]bool, len(deployables))
	)
	for i, d := range deployables {
		dir := filepath.Join(root, d.module)
		if !hasGoFiles(filepath.Join(dir, "cmd", d.name)) {
			errs[i] = fmt.Errorf("stack: build %s: no Go files in %s", d.name, filepath.Join(d.module, "cmd", d.name))
			continue
		}
		wg.Go(func() {
			cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, d.name), "./cmd/"+d.name)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GOWORK="+filepath.Join(root, "go.work"))
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				errs[i] = fmt.Errorf("stack: build %s: %w\n%s", d.name, err, out.Bytes())
				return
			}
			built[i] = true
		})
	}
	wg.Wait()
	var names []string
	for i, d := range deployables {
		if built[i] {
			names = append(names, d.name)
		}
	}
	return names, errors.Join(errs...)
}

// hasGoFiles reports whether dir holds a Go file.
func hasGoFiles(dir string) bool {
	matches, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	return len(matches) > 0
}
