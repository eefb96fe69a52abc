package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

var (
	langCall = regexp.MustCompile(`lang\.L\(("(?:[^"\\]|\\.)*")\)`)
	verb     = regexp.MustCompile(`%[a-z]`)
)

// TestTranslationsComplete checks that every text the interface passes to
// lang.L has a Chinese and a Spanish translation with the same format verbs
// in the same order, so no language shows a half-English window or a
// garbled count.
func TestTranslationsComplete(t *testing.T) {
	srcs, _ := filepath.Glob("*.go")
	keys := map[string]bool{aboutText: true}
	for _, f := range srcs {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range langCall.FindAllStringSubmatch(string(b), -1) {
			k, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatalf("%s: %v", m[1], err)
			}
			keys[k] = true
		}
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d texts; the scan is broken", len(keys))
	}
	for _, name := range []string{"en", "zh_Hans", "es"} {
		b, err := translations.ReadFile("translations/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var tr map[string]string
		if err := json.Unmarshal(b, &tr); err != nil {
			t.Fatalf("%s.json: %v", name, err)
		}
		for k := range keys {
			v, ok := tr[k]
			if !ok {
				t.Errorf("%s.json has no translation for %q", name, k)
				continue
			}
			if a, b := verb.FindAllString(k, -1), verb.FindAllString(v, -1); len(a) != len(b) || func() bool {
				for i := range a {
					if a[i] != b[i] {
						return true
					}
				}
				return false
			}() {
				t.Errorf("%s.json: %q has verbs %v, its translation %v", name, k, a, b)
			}
		}
		for k := range tr {
			if !keys[k] {
				t.Errorf("%s.json: %q is no longer used", name, k)
			}
		}
	}
}
