//go:build unix

package ffmpeg

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
)

// TestNotRegularFiles refuses folders and named pipes before FFmpeg runs
// (a pipe would wait for a writer for ever).
func TestNotRegularFiles(t *testing.T) {
	ff := runner(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "clip.mp4")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	for _, p := range []string{dir, fifo, filepath.Join(dir, "missing.mp4")} {
		_, err := ff.Probe(context.Background(), p, ProbeOptions{})
		oneLine(t, err)
		err = ff.Frames(context.Background(), p, FrameOptions{}, func(*Frame) error { return nil })
		oneLine(t, err)
	}
}
