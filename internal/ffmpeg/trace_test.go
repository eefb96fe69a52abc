package ffmpeg

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLeavesNoTrace runs Probe, Frames and Run with ffmpeg and ffprobe
// under strace and checks what they touch: no socket but a local one, no
// file written, created, renamed or deleted except the output FFmpeg was
// given, and nothing read from the user's home or font caches.
func TestLeavesNoTrace(t *testing.T) {
	real := runner(t)
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed (scripts/deps.sh test installs it)")
	}
	dir := t.TempDir()
	if out, err := exec.Command(strace, "-f", "-o", filepath.Join(dir, "probe"), "-e", "trace=socket", "/bin/true").CombinedOutput(); err != nil {
		t.Skipf("strace cannot trace here (%v: %s)", err, out)
	}
	trace := filepath.Join(dir, "trace")
	wrap := func(name, prog string) string {
		p := filepath.Join(dir, name)
		script := "#!/bin/sh\nexec " + strace + " -f -qq -o " + trace + "." + name + " -e trace=%file,%network " + prog + ` "$@"` + "\n"
		if err := os.WriteFile(p, []byte(script), 0o700); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ff := &Runner{ffmpeg: wrap("ffmpeg", real.ffmpeg), ffprobe: wrap("ffprobe", real.ffprobe)}
	src := testsrc(t)
	ctx := context.Background()
	if _, err := ff.Probe(ctx, src, ProbeOptions{}); err != nil {
		t.Fatal(err)
	}
	check(t, trace+".ffprobe", "")
	if err := ff.Frames(ctx, src, FrameOptions{PlainC: true, Every: 5}, func(*Frame) error { return nil }); err != nil {
		t.Fatal(err)
	}
	check(t, trace+".ffmpeg", "")
	os.Remove(trace + ".ffmpeg")
	out := filepath.Join(t.TempDir(), "out.mp4")
	if err := ff.Run(ctx, Job{Inputs: []Input{{Path: src}}, Args: []string{"-c", "copy"}, Format: "mp4", Output: out}); err != nil {
		t.Fatal(err)
	}
	if n := check(t, trace+".ffmpeg", out); n == 0 {
		t.Error("the output's creation is not in the trace: the check cannot see writes")
	}
}

// writing marks system calls that change the file system.
var writing = []string{"O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "mkdir(", "mkdirat(", "unlink(", "unlinkat(", "rename(",
	"renameat(", "renameat2(", "creat(", "symlink(", "link(", "linkat(", "chmod(", "truncate(", "utimensat("}

// check reports what the trace shows FFmpeg doing that it should not, and
// returns how many calls wrote the output.
func check(t *testing.T, trace, output string) (outputWrites int) {
	t.Helper()
	f, err := os.Open(trace)
	if err != nil {
		t.Fatalf("no trace: %v", err)
	}
	defer f.Close()
	home, _ := os.UserHomeDir()
	lines := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		lines++
		if strings.Contains(line, "socket(") && !strings.Contains(line, "AF_UNIX") || strings.Contains(line, "connect(") {
			t.Errorf("network: %s", line)
		}
		for _, w := range writing {
			if !strings.Contains(line, w) {
				continue
			}
			if output != "" && strings.Contains(line, `"`+output+`"`) {
				outputWrites++
			} else {
				t.Errorf("changes files: %s", line)
			}
		}
		if strings.Contains(line, "/etc/fonts") || strings.Contains(line, "cache/fontconfig") || strings.Contains(line, "/.ffmpeg") || home != "" && home != "/" && strings.Contains(line, `"`+home) {
			t.Errorf("reads settings or caches: %s", line)
		}
	}
	if lines < 10 {
		t.Errorf("only %d traced calls: the trace is probably broken", lines)
	}
	return outputWrites
}
