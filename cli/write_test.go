package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"
)

// failVerify makes the check of written copies fail for the test's duration.
func failVerify(t *testing.T) {
	t.Helper()
	verifyCopy = func([]byte, metadata.Options) error { return errors.New("injected verification failure") }
	t.Cleanup(func() { verifyCopy = verify.File })
}

// allEntries lists everything under dir, hidden files included.
func allEntries(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	return names
}

// TestCleanFailedCheckLeavesNoFile: a copy whose read-back check fails is
// reported and never appears in the output folder, under any name.
func TestCleanFailedCheckLeavesNoFile(t *testing.T) {
	failVerify(t)
	src := filepath.Join(t.TempDir(), "a.jpg")
	os.WriteFile(src, leakyJPEG(t), 0o644)
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := Run([]string{"clean", "-o", out, src}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "injected verification failure") || strings.Contains(stdout.String(), "clean:") {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
	if left := allEntries(t, out); len(left) != 0 {
		t.Errorf("the output folder holds %v", left)
	}
}

// TestRedactFailedCheckLeavesNoFile: the same for a redacted copy.
func TestRedactFailedCheckLeavesNoFile(t *testing.T) {
	failVerify(t)
	dir := t.TempDir()
	in := writeJPEG(t, dir, 64, 48, 1)
	out := filepath.Join(dir, "out", "red.png")
	var stdout, stderr bytes.Buffer
	if code := Run([]string{"redact", "--region", "1,1,5,5", "-o", out, in}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "injected verification failure") || stdout.Len() != 0 {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
	if left := allEntries(t, filepath.Dir(out)); len(left) != 0 {
		t.Errorf("the output folder holds %v", left)
	}
}
