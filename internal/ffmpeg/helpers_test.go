package ffmpeg

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
)

// runner returns a Runner for the system's FFmpeg, or skips.
func runner(t testing.TB) *Runner {
	t.Helper()
	testenv.NeedFFmpeg(t)
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var (
	genMu    sync.Mutex
	genDir   string
	genCache = map[string]string{}
)

// TestMain removes the videos the tests generated.
func TestMain(m *testing.M) {
	code := m.Run()
	if genDir != "" {
		os.RemoveAll(genDir)
	}
	os.Exit(code)
}

// generate makes a small video with the system's ffmpeg (lavfi sources),
// once per test binary for each name: args are ffmpeg's arguments between
// the global options and the output file.
func generate(t testing.TB, name string, args ...string) string {
	t.Helper()
	runner(t)
	genMu.Lock()
	defer genMu.Unlock()
	if p, ok := genCache[name]; ok {
		return p
	}
	if genDir == "" {
		d, err := os.MkdirTemp("", "veil-ffmpeg-test-")
		if err != nil {
			t.Fatal(err)
		}
		genDir = d
	}
	out := filepath.Join(genDir, name)
	cmd := exec.Command("ffmpeg", append(append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, args...), out)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generating %s: %v\n%s", name, err, b)
	}
	genCache[name] = out
	return out
}

// testsrc is a 160x120, 10 fps, 3-second H.264 video with a 440 Hz audio
// track.
func testsrc(t testing.TB) string {
	return generate(t, "testsrc.mp4", "-f", "lavfi", "-i", "testsrc=s=160x120:r=10:d=3", "-f", "lavfi", "-i", "sine=d=3",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest")
}

// rotated is a 160x120, 25 fps, 2-second video whose display matrix turns
// it a quarter turn (shown 120x160).
func rotated(t testing.TB) string {
	plain := generate(t, "plain25.mp4", "-f", "lavfi", "-i", "testsrc=s=160x120:r=25:d=2", "-c:v", "libx264", "-preset", "ultrafast")
	return generate(t, "rotated.mp4", "-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90")
}

// writeFile writes b to a new file in the test's temporary folder.
func writeFile(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// oneLine fails unless err is a single line of text.
func oneLine(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if s := err.Error(); s == "" || strings.ContainsAny(s, "\n\r") {
		t.Errorf("error is not one line: %q", s)
	}
}

// patchAll replaces every occurrence of old in b.
func patchAll(b, old, new []byte) []byte { return bytes.ReplaceAll(b, old, new) }
