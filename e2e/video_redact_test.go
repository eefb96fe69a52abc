//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
	enc := 0
	for enc == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		enc = encoderOf(cmd.Process.Pid)
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
		if enc == 0 || !alive(enc) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("veil's encoding ffmpeg (pid %d) is still running after veil ended", enc)
}

// encoderOf returns the pid of an ffmpeg that veil (pid parent) started to
// encode the frames it pipes in, or 0. Only veil's own child counts: other
// tests (and other packages' tests, run at the same time) encode too.
func encoderOf(parent int) int {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, c := range procs {
		b, err := os.ReadFile(c)
		if err != nil || !bytes.Contains(b, []byte("ffmpeg")) || !bytes.Contains(b, []byte("nut\x00")) || !bytes.Contains(b, []byte("pipe:0")) {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(c)))
		if ppid, state := procStat(pid); ppid == parent && state != "Z" {
			return pid
		}
	}
	return 0
}

// alive reports whether pid is a running (not zombie) process.
func alive(pid int) bool {
	_, state := procStat(pid)
	return state != "" && state != "Z"
}

// procStat reads a process's parent pid and state from /proc/PID/stat
// ("pid (comm) S ppid ..."; comm may hold spaces and parentheses).
func procStat(pid int) (ppid int, state string) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, ""
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, ""
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, ""
	}
	ppid, _ = strconv.Atoi(f[1])
	return ppid, f[0]
}
