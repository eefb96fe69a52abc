package ffmpeg

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRunRemux copies a video's streams into a new file without metadata,
// reporting progress, and refuses to overwrite.
func TestRunRemux(t *testing.T) {
	ff := runner(t)
	out := filepath.Join(t.TempDir(), "copy.mp4")
	var last time.Duration
	job := Job{
		Inputs: []Input{{Path: testsrc(t)}},
		Args:   []string{"-map", "0", "-c", "copy", "-map_metadata", "-1", "-fflags", "+bitexact"},
		Format: "mp4", Output: out,
		Progress: func(d time.Duration) { last = d },
	}
	if err := ff.Run(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	info, err := ff.Probe(context.Background(), out, ProbeOptions{})
	if err != nil || len(info.Streams) != 2 || info.Duration < 2900*time.Millisecond {
		t.Fatalf("output: %v %+v", err, info)
	}
	if last <= 0 {
		t.Errorf("progress never reported (last %v)", last)
	}
	before, _ := os.ReadFile(out)
	if err := ff.Run(context.Background(), job); err == nil {
		t.Error("existing output overwritten")
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(before, after) {
		t.Error("existing output changed")
	}
}

// TestRunEncodeFromStdin encodes frames Veil makes itself.
func TestRunEncodeFromStdin(t *testing.T) {
	ff := runner(t)
	const w, h, n = 32, 24, 10
	raw := make([]byte, w*h*3*n)
	for i := range raw {
		raw[i] = byte(i / (w * h * 3) * 20)
	}
	out := filepath.Join(t.TempDir(), "made.mp4")
	err := ff.Run(context.Background(), Job{
		Inputs: []Input{{Stdin: bytes.NewReader(raw), Format: "rawvideo", Args: []string{"-pixel_format", "rgb24", "-video_size", "32x24", "-framerate", "10"}}},
		Args:   []string{"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"},
		Format: "mp4", Output: out,
	})
	if err != nil {
		t.Fatal(err)
	}
	frames, err := collect(t, ff, out, FrameOptions{})
	if err != nil || len(frames) != n {
		t.Errorf("%d frames back: %v", len(frames), err)
	}
}

// TestRunLimits stops an output that grows too large and deletes it, and
// refuses options that would undo the hardening.
func TestRunLimits(t *testing.T) {
	ff := runner(t)
	small := &Runner{ffmpeg: ff.ffmpeg, ffprobe: ff.ffprobe, Limits: Limits{MaxOutput: 20 << 10}}
	out := filepath.Join(t.TempDir(), "big.mp4")
	err := small.Run(context.Background(), Job{
		Inputs: []Input{{Path: generate(t, "noise.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=2", "-vf", "noise=alls=60:allf=t",
			"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart")}},
		Args:   []string{"-c", "copy"},
		Format: "mp4", Output: out,
	})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the output limit: %v", err)
	}
	if _, serr := os.Stat(out); serr == nil {
		t.Error("partial output left behind")
	}
	for _, args := range [][]string{{"-y"}, {"-i", "/etc/passwd"}, {"-vf", "movie=/etc/passwd"}, {"-filter_complex", "amovie=x"}, {"-protocol_whitelist", "http"}} {
		err := ff.Run(context.Background(), Job{Inputs: []Input{{Path: testsrc(t)}}, Args: args, Format: "mp4", Output: filepath.Join(t.TempDir(), "x.mp4")})
		if err == nil || !strings.Contains(err.Error(), "not allowed") {
			t.Errorf("args %q: %v", args, err)
		}
	}
}

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

// TestNotInstalled says plainly that videos need FFmpeg.
func TestNotInstalled(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := New()
	if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "FFmpeg") || !strings.Contains(err.Error(), "photos") {
		t.Errorf("%v", err)
	}
	oneLine(t, err)
}

func TestReadProgress(t *testing.T) {
	in := "frame=1\nout_time_us=40000\ntotal_size=48\nprogress=continue\n" +
		"frame=1\nout_time_us=40000\ntotal_size=48\nprogress=continue\n" +
		"frame=5\nout_time_us=N/A\ntotal_size=900\nprogress=end\n"
	var got []progress
	readProgress(strings.NewReader(in), func(p progress) { got = append(got, p) })
	if len(got) != 2 || got[0].outTime != 40*time.Millisecond || got[1].size != 900 || !got[1].end || got[1].frame != 5 {
		t.Errorf("%+v", got)
	}
}

func FuzzProgress(f *testing.F) {
	f.Add("frame=1\nout_time_us=40000\ntotal_size=48\nprogress=continue\n")
	f.Add("out_time_us=-5\nprogress=end")
	f.Fuzz(func(t *testing.T, s string) {
		readProgress(strings.NewReader(s), func(p progress) {
			if p.outTime < 0 {
				t.Fatalf("negative time %v", p.outTime)
			}
		})
	})
}
