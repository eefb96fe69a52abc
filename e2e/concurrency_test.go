//go:build linux

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/veil/veil/internal/testenv"
)

// TestCommandsConcurrently runs the commands whose work is spread over
// goroutines (clean's and hash's batch workers, detection's parallel passes,
// redact --faces) on several photos at once. Under "go test -race" (make
// test-race) veil itself is built with the race detector, so a data race in
// any of them fails here (exit status 66 and a DATA RACE report).
func TestCommandsConcurrently(t *testing.T) {
	have := commands(t)
	if raceEnabled {
		out, err := exec.Command("go", "version", "-m", veilBin).Output()
		if err != nil || !strings.Contains(string(out), "-race=true") {
			t.Fatalf("veil was not built with the race detector (%v)", err)
		}
	}
	home := t.TempDir()
	photos := filepath.Join(home, "photos")
	os.Mkdir(photos, 0o755)
	var files []string
	for i := range 6 {
		p := filepath.Join(photos, "p"+string(rune('a'+i))+".jpg")
		if err := os.WriteFile(p, photoJPEG(320+40*i, 240, byte(i)), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	face := files[0]
	if dir, ok := testenv.SharedPath("fixtures/faces"); ok {
		if b, err := os.ReadFile(filepath.Join(dir, "2008_001322.jpg")); err == nil {
			face = filepath.Join(home, "group.jpg")
			os.WriteFile(face, b, 0o644)
		}
	}
	before := map[string]snapshot{}
	for _, p := range append(files, face) {
		before[p] = snap(p)
	}
	runs := map[string][]string{
		"clean":   {"clean", "--json", "-o", filepath.Join(home, "out"), photos},
		"hash":    append([]string{"hash"}, files...),
		"inspect": {"inspect", photos},
		"detect":  {"detect", "--json", face, files[1]},
		"redact":  {"redact", "--faces", "--region", "0,0,40,40", "--style", "pixelate", "-o", filepath.Join(home, "r.png"), face},
	}
	limit := hangLimit
	if raceEnabled {
		limit = 2 * hangLimit // the race detector makes veil 2-20 times slower
	}
	for _, c := range userCommands {
		t.Run(c, func(t *testing.T) {
			if !have[c] {
				t.Fatalf("veil has no %q command", c)
			}
			r := runVeil(t, limit, home, runs[c]...)
			if r.timedOut {
				t.Fatalf("still running after %v", limit)
			}
			if strings.Contains(r.stderr, "DATA RACE") || r.code == 66 {
				t.Fatalf("data race:\n%s", clip(r.stderr))
			}
			if panicText(r.stdout + r.stderr) {
				t.Errorf("panic text:\n%s", clip(r.stdout+r.stderr))
			}
			if r.code != 0 {
				t.Errorf("exit %d: %s", r.code, clip(r.stderr))
			}
			t.Logf("%s: %v wall, %v CPU, %.0f MB (race detector: %v)", c, r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond), float64(r.maxRSS)/(1<<20), raceEnabled)
		})
	}
	for p, s := range before {
		if d := s.unchanged(p); d != "" {
			t.Errorf("%s: %s", filepath.Base(p), d)
		}
	}
}
