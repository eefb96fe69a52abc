//go:build linux

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHEIFOpensNoPlugins: hashing a HEIC reads the photo and nothing from
// libheif's plugin folder or LIBHEIF_PLUGIN_PATH: Veil never calls
// heif_init, so libheif loads no code from disk.
func TestHEIFOpensNoPlugins(t *testing.T) {
	if testing.Short() && raceEnabled {
		t.Skip("checked in the full run")
	}
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed (scripts/deps.sh test installs it)")
	}
	home := t.TempDir()
	plugins := filepath.Join(home, "plugins")
	if err := os.Mkdir(plugins, 0o755); err != nil {
		t.Fatal(err)
	}
	heic := filepath.Join(home, "photo.heic")
	b, err := os.ReadFile(filepath.Join(repoRoot, "photo", "testdata", "heif", "small.heic"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(heic, b, 0o644); err != nil {
		t.Fatal(err)
	}
	trace := filepath.Join(t.TempDir(), "trace")
	r := runCmdEnv(t, time.Minute, home, []string{"LIBHEIF_PLUGIN_PATH=" + plugins}, strace,
		"-f", "-qq", "-o", trace, "-e", "trace=open,openat,openat2", veilBin, "hash", heic)
	if r.code != 0 || !strings.Contains(r.stdout, "PDQ") {
		t.Fatalf("exit %d: %s%s", r.code, clip(r.stdout), clip(r.stderr))
	}
	log, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "photo.heic") {
		t.Fatalf("the trace does not show the photo being read; is strace working?\n%s", clip(string(log)))
	}
	for _, l := range strings.Split(string(log), "\n") {
		if strings.Contains(l, plugins) || strings.Contains(l, "libheif/plugins") {
			t.Errorf("opened a libheif plugin folder: %s", l)
		}
	}
}
