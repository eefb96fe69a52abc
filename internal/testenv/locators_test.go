package testenv

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// pendingLocators are files that still find ../shared by hand, each waiting
// for the change that moves it (file -> why). It is empty: every test finds
// the shared material through this package. The test fails on an entry that
// no longer applies, so the list cannot go stale.
var pendingLocators = map[string]string{}

// TestSharedFoundOnlyHere fails when Go code outside this package spells a
// path into ../shared by hand: a string literal "shared" (a path element, as
// in filepath.Join(root, "..", "shared")), or a path literal (no spaces) that
// holds "../shared" or "shared/fixtures". Use Shared or SharedPath instead,
// so every test finds the material the same way and skips the same way.
// Comments and messages ("../shared/fixtures not present") are fine.
func TestSharedFoundOnlyHere(t *testing.T) {
	root, ok := RepoRoot()
	if !ok {
		t.Fatal("no go.mod above the package")
	}
	found := map[string][]string{} // file -> literals
	files := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || rel == "internal/testenv") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") {
			return nil
		}
		files++
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && handLocator(s) {
				found[rel] = append(found[rel], lit.Value)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("only %d Go files under %s; the walk is broken", files, root)
	}
	names := make([]string, 0, len(found))
	for f := range found {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		if why, ok := pendingLocators[f]; ok {
			t.Logf("%s: still finds ../shared by hand (pending: %s)", f, why)
			continue
		}
		t.Errorf("%s finds ../shared by hand (%s): use testenv.Shared or testenv.SharedPath", f, strings.Join(found[f], ", "))
	}
	for f := range pendingLocators {
		if _, ok := found[f]; !ok {
			t.Errorf("%s no longer finds ../shared by hand (or is gone): remove it from pendingLocators", f)
		}
	}
}

// handLocator reports whether a string literal is a hand-written path into
// ../shared.
func handLocator(s string) bool {
	if s == "shared" {
		return true
	}
	if strings.ContainsAny(s, " \t\n") {
		return false // a message, not a path
	}
	return strings.Contains(s, "../shared") || strings.Contains(s, "shared/fixtures")
}

func TestHandLocator(t *testing.T) {
	for s, want := range map[string]bool{
		"shared":                            true,
		"../shared/fixtures/pdq":            true,
		"../../shared/fixtures/metadata":    true,
		"shared/fixtures":                   true,
		"fixtures/faces":                    false,
		"../shared/fixtures not present":    false,
		"sharedDir":                         false,
		"the shared corpus":                 false,
		"/work/shared/fixtures/faces/a.jpg": true,
	} {
		if got := handLocator(s); got != want {
			t.Errorf("handLocator(%q) = %v, want %v", s, got, want)
		}
	}
}
