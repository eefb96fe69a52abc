// Package testenv finds the shared test material that lives beside the
// repository (../shared: fixtures, models, tools), for tests only. Tests that
// need it skip with a clear message when it is absent, so a clone without it
// still runs every core test.
package testenv

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// RepoRoot returns the directory holding the module's go.mod, found by walking
// up from the current directory (a test's working directory is its package).
func RepoRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// SharedPath returns <repo root>/../shared/<rel> and whether it exists.
func SharedPath(rel string) (string, bool) {
	root, ok := RepoRoot()
	if !ok {
		return "", false
	}
	p := filepath.Join(root, "..", "shared", rel)
	_, err := os.Stat(p)
	return p, err == nil
}

// Shared returns <repo root>/../shared/<rel>, or skips the test saying what is missing.
func Shared(t testing.TB, rel string) string {
	t.Helper()
	p, ok := SharedPath(rel)
	if !ok {
		t.Skipf("../shared/%s not present beside the repository: test skipped", rel)
	}
	return p
}

// ReadShared returns the bytes of <repo root>/../shared/<rel>, or skips the
// test saying what is missing.
func ReadShared(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(Shared(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// IPhoneHEIC is the 12 MP iPhone photo (a grid of HEVC tiles) in ../shared
// that the HEIC speed and memory figures are measured on.
const IPhoneHEIC = "fixtures/metadata/exif-samples/heic/mobile/iphone_13_pro_max.HEIC"

// update is the -update flag of every test binary that compares golden files
// through Golden.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/ instead of comparing with them")

// Golden compares got with testdata/<name>, or rewrites that file when the
// test runs with -update.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// NeedFFmpeg skips the test, saying how to install them, unless ffmpeg and
// ffprobe are on the PATH. Under "make test" (which installs FFmpeg and
// sets VEIL_NEED_FFMPEG=1) their absence fails the test instead.
func NeedFFmpeg(t testing.TB) {
	t.Helper()
	for _, prog := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(prog); err != nil {
			if os.Getenv("VEIL_NEED_FFMPEG") != "" {
				t.Fatalf("%s is not installed (VEIL_NEED_FFMPEG is set: scripts/deps.sh test should have installed it)", prog)
			}
			t.Skipf("%s is not installed (scripts/deps.sh test installs FFmpeg): test skipped", prog)
		}
	}
}
