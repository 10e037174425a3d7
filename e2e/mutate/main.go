// Command mutate checks that every guarantee in the README's "What the system guarantees"
// rests on a test that fails when the guarantee is broken. For each guarantee it copies
// the repository's tracked and new files to a temporary directory (the working tree is
// never touched), runs the guarantee's tests there as they are (they must pass), applies a
// small deliberate break (each edit must match exactly once, so a break that no longer
// applies is an error, not a silent pass) and runs the tests again: each must fail.
//
//	go run ./mutate [-run REGEXP] [-keep]     (from e2e/; `make mutate` from the root)
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// edit replaces the one occurrence of From in File (relative to the repository root).
type edit struct{ File, From, To string }

// check is a test that must pass without the break and fail with it.
type check struct{ Dir, Pkg, Test string }

// mutation is one deliberate break of one guarantee.
type mutation struct {
	Guarantee string
	Break     string
	Edits     []edit
	Checks    []check
}

func main() {
	run := flag.String("run", "", "only the mutations whose guarantee or break matches this regexp")
	keep := flag.Bool("keep", false, "keep the temporary copy")
	flag.Parse()
	root, err := repoRoot()
	if err != nil {
		fatal(err)
	}
	var only *regexp.Regexp
	if *run != "" {
		if only, err = regexp.Compile(*run); err != nil {
			fatal(err)
		}
	}
	tmp, err := os.MkdirTemp("", "tansiq-mutate-")
	if err != nil {
		fatal(err)
	}
	if *keep {
		fmt.Println("copy kept in", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	if err := copyTree(root, tmp); err != nil {
		fatal(err)
	}

	failures := 0
	passed := map[check]bool{} // tests already seen to pass without any break
	for _, m := range mutations {
		if only != nil && !only.MatchString(m.Guarantee) && !only.MatchString(m.Break) {
			continue
		}
		fmt.Printf("=== %s: %s\n", m.Guarantee, m.Break)
		if err := apply(m, tmp, passed); err != nil {
			failures++
			fmt.Printf("FAIL %s: %s: %v\n", m.Guarantee, m.Break, err)
			continue
		}
		fmt.Printf("ok   %s: %s\n", m.Guarantee, m.Break)
	}
	if failures > 0 {
		fmt.Printf("mutate: %d guarantee(s) not proven by a failing test\n", failures)
		os.Exit(1)
	}
	fmt.Println("mutate: every break was caught")
}

// apply checks one mutation in the copy at tmp and restores the copy afterwards.
func apply(m mutation, tmp string, passed map[check]bool) error {
	for _, c := range m.Checks {
		if passed[c] {
			continue
		}
		if out, err := goTest(tmp, c); err != nil {
			return fmt.Errorf("%s %s fails without the break:\n%s", c.Pkg, c.Test, tail(out, 40))
		}
		passed[c] = true
	}
	originals := map[string][]byte{}
	defer func() {
		for f, b := range originals {
			_ = os.WriteFile(f, b, 0o644)
		}
	}()
	for _, e := range m.Edits {
		path := filepath.Join(tmp, e.File)
		b, ok := originals[path]
		if !ok {
			var err error
			if b, err = os.ReadFile(path); err != nil {
				return err
			}
			originals[path] = b
		}
		cur, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if n := bytes.Count(cur, []byte(e.From)); n != 1 {
			return fmt.Errorf("the break no longer applies: %q occurs %d times in %s, want once", e.From, n, e.File)
		}
		if err := os.WriteFile(path, bytes.Replace(cur, []byte(e.From), []byte(e.To), 1), 0o644); err != nil {
			return err
		}
	}
	for _, c := range m.Checks {
		out, err := goTest(tmp, c)
		switch {
		case err == nil:
			return fmt.Errorf("%s %s passes with the break: it does not prove the guarantee", c.Pkg, c.Test)
		case strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]"):
			return fmt.Errorf("the break does not compile, so it proves nothing:\n%s", tail(out, 40))
		case !strings.Contains(out, "--- FAIL") && !strings.Contains(out, "panic: "):
			return fmt.Errorf("%s %s failed with the break, but not in a test:\n%s", c.Pkg, c.Test, tail(out, 40))
		}
		fmt.Printf("     %s %s fails with the break, as it must\n", c.Pkg, c.Test)
	}
	return nil
}

// goTest runs one test of the copy and returns its whole output: a test's
// "--- FAIL" header comes before its log lines, so judging only a tail of a long
// failure would miss it.
func goTest(tmp string, c check) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-timeout=4m", "-run", "^("+c.Test+")$", c.Pkg)
	cmd.Dir = filepath.Join(tmp, c.Dir)
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}

func repoRoot() (string, error) {
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return "", fmt.Errorf("git rev-parse: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// copyTree copies the files git knows of (tracked, and new ones not ignored) from root to
// dst, so the check sees the working state without the build output or tools.
func copyTree(root, dst string) error {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("git ls-files: %w", err)
	}
	for _, rel := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(root, rel)
		info, err := os.Lstat(src)
		if err != nil {
			if os.IsNotExist(err) {
				continue // deleted in the working tree
			}
			return err
		}
		if !info.Mode().IsRegular() {
			continue
		}
		if err := copyFile(src, filepath.Join(dst, rel), info.Mode()); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode.Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "mutate:", err)
	os.Exit(2)
}
