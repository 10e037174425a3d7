package web

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// languages are the interface's translation files, one per language.
var languages = []string{"en", "ar", "ckb"}

func catalog(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("src", "i18n", lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s.json: %v", lang, err)
	}
	return m
}

// TestEveryLanguageHasEveryString fails when a key is missing or empty in one language.
func TestEveryLanguageHasEveryString(t *testing.T) {
	all := map[string]bool{}
	cats := map[string]map[string]string{}
	for _, l := range languages {
		cats[l] = catalog(t, l)
		for k := range cats[l] {
			all[k] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(all)) {
		for _, l := range languages {
			if v, ok := cats[l][k]; !ok {
				t.Errorf("%s.json has no %q", l, k)
			} else if v == "" {
				t.Errorf("%s.json: %q is empty", l, k)
			}
		}
	}
}

var (
	literalKey = regexp.MustCompile(`\bt\("([^"]+)"\s*[,)]`)
	prefixKey  = regexp.MustCompile(`\bt\("([^"]+\.)" \+`)
)

// TestEveryStringTheCodeUsesIsTranslated fails when the code asks for a key that the
// translation files lack, or builds keys from a prefix that none has.
func TestEveryStringTheCodeUsesIsTranslated(t *testing.T) {
	en := catalog(t, "en")
	sources, err := filepath.Glob(filepath.Join("src", "*.ts"))
	if err != nil || len(sources) == 0 {
		t.Fatalf("no sources: %v", err)
	}
	used := 0
	for _, src := range sources {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literalKey.FindAllStringSubmatch(string(b), -1) {
			used++
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s uses %q, which no translation file has", src, m[1])
			}
		}
		for _, m := range prefixKey.FindAllStringSubmatch(string(b), -1) {
			if !slices.ContainsFunc(slices.Collect(maps.Keys(en)), func(k string) bool { return len(k) > len(m[1]) && k[:len(m[1])] == m[1] }) {
				t.Errorf("%s builds keys from %q, which no translation file has", src, m[1])
			}
		}
	}
	if used < 50 {
		t.Fatalf("found only %d uses of t(...): is the pattern still right?", used)
	}
}
