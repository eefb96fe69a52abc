//go:build unix

package ffmpeg

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The stand-in FFmpeg below is a shell script and its child is found in
// /proc: Unix only. On Windows Veil kills FFmpeg itself (proc_other.go) but
// not processes it started, and has no test of that yet.

// fakeFFmpeg is a Runner whose "ffmpeg" is a script: it starts a child
// that sleeps and records its pid, then waits, writing nothing.
func fakeFFmpeg(t *testing.T) (*Runner, string) {
	t.Helper()
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	script := filepath.Join(dir, "ffmpeg")
	body := "#!/bin/sh\nsleep 300 &\necho $! > " + pidFile + "\nwait\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	return &Runner{ffmpeg: script, ffprobe: script}, pidFile
}

// TestStallAndCancel stops a silent FFmpeg, and everything it started,
// when it makes no progress, runs past its time limit, or is cancelled.
func TestStallAndCancel(t *testing.T) {
	src := writeFile(t, "clip.mp4", []byte("not read"))
	for _, c := range []struct {
		name   string
		limits Limits
		cancel bool
		kind   error
	}{
		{"stall", Limits{Stall: 300 * time.Millisecond}, false, ErrTimeout},
		{"time limit", Limits{Timeout: 300 * time.Millisecond}, false, ErrTimeout},
		{"cancel", Limits{}, true, context.Canceled},
	} {
		t.Run(c.name, func(t *testing.T) {
			ff, pidFile := fakeFFmpeg(t)
			ff.Limits = c.limits
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if c.cancel {
				time.AfterFunc(300*time.Millisecond, cancel)
			}
			err := ff.Frames(ctx, src, FrameOptions{}, func(*Frame) error { return nil })
			if !errors.Is(err, c.kind) {
				t.Fatalf("%v, want %v", err, c.kind)
			}
			oneLine(t, err)
			pid, _ := os.ReadFile(pidFile)
			if p := strings.TrimSpace(string(pid)); p != "" && !gone(p) {
				t.Errorf("FFmpeg's child %s still running", p)
			}
		})
	}
}

// gone waits (up to 10 s, for a loaded machine) for a killed process to
// end: absent, or a zombie waiting for init.
func gone(pid string) bool {
	for range 100 {
		st, err := os.ReadFile("/proc/" + pid + "/stat")
		if err != nil || strings.Contains(string(st), ") Z") {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}
