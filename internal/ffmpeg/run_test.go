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
