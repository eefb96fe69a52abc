package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRepoRoot(t *testing.T) {
	root, ok := RepoRoot()
	if !ok {
		t.Fatal("no go.mod found above the package")
	}
	if _, err := os.Stat(filepath.Join(root, "internal", "testenv", "testenv.go")); err != nil {
		t.Fatalf("root %s is not this module's: %v", root, err)
	}
}

func TestSharedSkipsWhenMissing(t *testing.T) {
	if _, ok := SharedPath("no/such/thing"); ok {
		t.Fatal("a missing path was reported present")
	}
	skipped := true
	t.Run("inner", func(t *testing.T) {
		Shared(t, "no/such/thing")
		skipped = false
	})
	if !skipped {
		t.Fatal("Shared did not skip")
	}
}
