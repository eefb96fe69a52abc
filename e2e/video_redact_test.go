//go:build linux

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRedactVideoHostile runs "veil redact --faces" on videos built to
// mislead FFmpeg: one line naming the file, exit 1, no output and no
// temporary file, within the limits, and no FFmpeg left running.
func TestRedactVideoHostile(t *testing.T) {
	if testing.Short() && raceEnabled {
		t.Skip("checked in the full run")
	}
	for name, data := range hostileVideos(t, t.TempDir()) {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			os.Mkdir(out, 0o755)
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			r := runVeil(t, hangLimit, dir, "redact", "--faces", "-o", filepath.Join(out, "redacted.mp4"), p)
			for _, problem := range hostileProblems(hostileCase{name: name, file: name, data: data}, "redact", r) {
				t.Error(problem)
			}
			if left := listDir(t, out); len(left) > 0 {
				t.Errorf("a failed redaction left %v", left)
			}
			noFFmpegFor(t, p)
		})
	}
}

// TestRedactVideoStops sends Ctrl-C (SIGINT) during a redaction's encode:
// veil stops FFmpeg, says so, exits 130, and the output folder stays empty
// (the output had no name yet, so not even a temporary file remains).
func TestRedactVideoStops(t *testing.T) {
	if testing.Short() && raceEnabled {
		t.Skip("checked in the full run")
	}
	home := t.TempDir()
	p := filepath.Join(home, "long.mp4")
	makeVideo(t, p, "20")
	out := filepath.Join(home, "out")
	os.Mkdir(out, 0o755)
	cmd := exec.Command(veilBin, "redact", "--region", "0,0,100,100", "-o", filepath.Join(out, "r.mp4"), p)
	cmd.Env = bareEnv(home)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the encode (an ffmpeg reading Veil's frames), then stop.
	deadline := time.Now().Add(hangLimit)
	for !encoding() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(hangLimit):
		cmd.Process.Kill()
		t.Fatalf("veil did not stop within %v of Ctrl-C", hangLimit)
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 || stdout.Len() != 0 || !strings.Contains(stderr.String(), "stopped") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, clip(stdout.String()), clip(stderr.String()))
	}
	if left := listDir(t, out); len(left) > 0 {
		t.Errorf("the output folder holds %v after Ctrl-C", left)
	}
	noFFmpegFor(t, p)
	for range 50 {
		if !encoding() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Error("an encoding ffmpeg is still running after veil ended")
}

// encoding reports whether an ffmpeg is encoding frames from its standard
// input (NUT), as a redaction's encode does.
func encoding() bool {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, c := range procs {
		b, err := os.ReadFile(c)
		if err == nil && bytes.Contains(b, []byte("ffmpeg")) && bytes.Contains(b, []byte("nut\x00")) && bytes.Contains(b, []byte("pipe:0")) {
			if st, err := os.ReadFile(filepath.Join(filepath.Dir(c), "stat")); err == nil && !bytes.Contains(st, []byte(") Z")) {
				return true
			}
		}
	}
	return false
}
