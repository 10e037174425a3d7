// Package web drives the web app in a real browser against the real system: Debian's
// headless Chromium, controlled by puppeteer-core (gateway/web/test/browser.mjs), on a
// system of real processes started as `make run` starts them, on free ports.
package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/tansiq/tansiq/e2e/harness"
)

// chromium is Debian's browser, installed by .ci/run (apt-get install chromium).
const chromium = "/usr/bin/chromium"

func TestJointDeploymentClosesTheGapInTheBrowser(t *testing.T) {
	root := harness.RepoRoot()
	script := filepath.Join(root, "gateway", "web", "test", "browser.mjs")
	if _, err := os.Stat(filepath.Join(root, "gateway", "web", "node_modules", "puppeteer-core")); err != nil {
		t.Fatalf("puppeteer-core is not installed: run make web-tools (%v)", err)
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("no %s: apt-get install chromium (.ci/run does): %v", chromium, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	env, err := harness.Start(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()

	shots := t.ArtifactDir()
	cmd := exec.CommandContext(ctx, "node", script)
	cmd.Env = append(os.Environ(), "TANSIQ_WEB_URL="+env.WebURL(), "TANSIQ_SCREENSHOTS="+shots, "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	t.Logf("browser test output:\n%s", out)
	if err != nil {
		t.Fatalf("the browser test failed: %v (screenshots in %s)", err, shots)
	}
	for _, name := range []string{"01-peshmerga-december-2021-makhmour-gap", "05-iraqi-army-sees-proposal-live", "07-peshmerga-gap-closed", "08-arabic-rtl"} {
		if _, err := os.Stat(filepath.Join(shots, name+".png")); err != nil {
			t.Errorf("screenshot %s missing: %v", name, err)
		}
	}
}
