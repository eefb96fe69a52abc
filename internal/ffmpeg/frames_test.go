package ffmpeg

import (
	"context"
	"errors"
	"image"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/veil/veil/internal/testenv"
)

// collect decodes path and returns a copy of every frame.
func collect(t testing.TB, ff *Runner, path string, opt FrameOptions) ([]Frame, error) {
	t.Helper()
	var frames []Frame
	err := ff.Frames(context.Background(), path, opt, func(f *Frame) error {
		c := *f
		c.Pix = append([]byte(nil), f.Pix...)
		frames = append(frames, c)
		return nil
	})
	return frames, err
}

func TestFramesSelection(t *testing.T) {
	ff := runner(t)
	src := testsrc(t) // 30 frames, 10 fps
	cases := []struct {
		name    string
		opt     FrameOptions
		indexes []int64
		w, h    int
	}{
		{"all", FrameOptions{}, seq(0, 30, 1), 160, 120},
		{"every 7", FrameOptions{Every: 7}, []int64{0, 7, 14, 21, 28}, 160, 120},
		{"limit", FrameOptions{Limit: 4}, seq(0, 4, 1), 160, 120},
		{"max side", FrameOptions{MaxSide: 80, Limit: 2}, seq(0, 2, 1), 80, 60},
		{"max side larger than the video", FrameOptions{MaxSide: 1000, Limit: 1}, seq(0, 1, 1), 160, 120},
		{"size", FrameOptions{Size: image.Pt(33, 17), ScaleFlags: "area", Limit: 1}, seq(0, 1, 1), 33, 17},
		{"plain C, RGBA", FrameOptions{PlainC: true, Pixels: RGBA, Every: 10}, []int64{0, 10, 20}, 160, 120},
		{"start", FrameOptions{Start: 2 * time.Second}, seq(0, 10, 1), 160, 120},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			frames, err := collect(t, ff, src, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(frames) != len(c.indexes) {
				t.Fatalf("%d frames, want %d", len(frames), len(c.indexes))
			}
			bpp := 3
			if c.opt.Pixels == RGBA {
				bpp = 4
			}
			for i, f := range frames {
				if f.Index != c.indexes[i] || f.Width != c.w || f.Height != c.h || f.Stride != bpp*c.w || len(f.Pix) != bpp*c.w*c.h || f.Format != c.opt.Pixels {
					t.Errorf("frame %d: index %d %dx%d stride %d, %d bytes", i, f.Index, f.Width, f.Height, f.Stride, len(f.Pix))
				}
				want := c.opt.Start + time.Duration(f.Index)*100*time.Millisecond
				if !f.HasPTS || f.Time != want || f.TimeBase.Den == 0 {
					t.Errorf("frame %d: time %v (pts %d, %v), want %v", i, f.Time, f.PTS, f.TimeBase, want)
				}
				if bpp == 4 && (f.Pix[3] != 255 || f.Pix[len(f.Pix)-1] != 255) {
					t.Errorf("frame %d: alpha %d", i, f.Pix[3])
				}
			}
		})
	}
}

func seq(from, to, step int64) []int64 {
	var s []int64
	for i := from; i < to; i += step {
		s = append(s, i)
	}
	return s
}

// TestFramesExactPixels decodes a lossless video of one colour: every
// pixel must come out exactly.
func TestFramesExactPixels(t *testing.T) {
	ff := runner(t)
	src := generate(t, "colour.mov", "-f", "lavfi", "-i", "color=c=0x102030:s=24x16:r=5:d=1,format=rgb24", "-c:v", "png", "-pix_fmt", "rgb24")
	frames, err := collect(t, ff, src, FrameOptions{})
	if err != nil || len(frames) != 5 {
		t.Fatalf("%d frames: %v", len(frames), err)
	}
	for _, f := range frames {
		for i := 0; i < len(f.Pix); i += 3 {
			if f.Pix[i] != 0x10 || f.Pix[i+1] != 0x20 || f.Pix[i+2] != 0x30 {
				t.Fatalf("frame %d pixel %d is %v", f.Index, i/3, f.Pix[i:i+3])
			}
		}
	}
}

// TestFramesVariableRate keeps each frame's own timestamp: after a pause
// of half a second the times jump, and the frame indexes do not.
func TestFramesVariableRate(t *testing.T) {
	ff := runner(t)
	src := generate(t, "vfr.mp4", "-f", "lavfi", "-i", "testsrc=s=64x48:r=10:d=1", "-vf", `setpts=PTS+gte(N\,3)*0.5/TB`,
		"-fps_mode", "passthrough", "-c:v", "libx264", "-preset", "ultrafast")
	frames, err := collect(t, ff, src, FrameOptions{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{0, 100, 200, 800, 900}
	for i, f := range frames {
		if f.Index != int64(i) || f.Time != want[i]*time.Millisecond {
			t.Errorf("frame %d: index %d time %v, want %v", i, f.Index, f.Time, want[i]*time.Millisecond)
		}
	}
}

// TestFramesRotation gives the stored pixels by default and the upright
// picture with AutoRotate.
func TestFramesRotation(t *testing.T) {
	ff := runner(t)
	src := rotated(t)
	for _, c := range []struct {
		auto bool
		w, h int
	}{{false, 160, 120}, {true, 120, 160}} {
		frames, err := collect(t, ff, src, FrameOptions{AutoRotate: c.auto, Limit: 1})
		if err != nil || len(frames) != 1 || frames[0].Width != c.w || frames[0].Height != c.h {
			t.Errorf("autorotate %v: %v, %d frames", c.auto, err, len(frames))
			for _, f := range frames {
				t.Errorf("  %dx%d", f.Width, f.Height)
			}
		}
	}
	img, err := ff.Poster(context.Background(), src, PosterOptions{At: time.Second, MaxSide: 80})
	if err != nil || img.Rect != image.Rect(0, 0, 60, 80) {
		t.Errorf("poster: %v, %v", err, img.Rect)
	}
	// Past the end, the poster is the first frame.
	if img, err := ff.Poster(context.Background(), src, PosterOptions{At: time.Hour}); err != nil || img.Rect.Dx() != 120 {
		t.Errorf("poster past the end: %v", err)
	}
}

// TestFramesCallbackError stops FFmpeg and returns the callback's error.
func TestFramesCallbackError(t *testing.T) {
	ff := runner(t)
	stop := errors.New("enough")
	n := 0
	err := ff.Frames(context.Background(), testsrc(t), FrameOptions{}, func(*Frame) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("err %v after %d frames", err, n)
	}
	noChildren(t)
}

// TestFramesFixtures decodes every shared video that Veil opens with the
// default demuxers: the frame count equals what the container lists.
func TestFramesFixtures(t *testing.T) {
	dir := testenv.Shared(t, "fixtures/video")
	ff := runner(t)
	var names []string
	for _, ext := range []string{"*.mp4", "*.mov", "*.3gp"} {
		m, _ := filepath.Glob(filepath.Join(dir, ext))
		names = append(names, m...)
	}
	if testing.Short() {
		names = []string{filepath.Join(dir, "mov-with-gps.mov"), filepath.Join(dir, "3gp-sample.3gp")}
	}
	for _, p := range names {
		t.Run(filepath.Base(p), func(t *testing.T) {
			info, err := ff.Probe(context.Background(), p, ProbeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			v, _ := info.Video()
			n := int64(0)
			err = ff.Frames(context.Background(), p, FrameOptions{MaxSide: 64}, func(f *Frame) error {
				if f.Index != n {
					t.Fatalf("frame %d has index %d", n, f.Index)
				}
				n++
				return nil
			})
			if err != nil || n != v.Frames {
				t.Errorf("%d frames (container lists %d): %v", n, v.Frames, err)
			}
		})
	}
}

func TestParseShowinfo(t *testing.T) {
	fi, ok := parseShowinfo("n:  12 pts:  24576 pts_time:0.8     pos:    44802 fmt:rgb24 sar:1/1 s:320x240 i:P iskey:0 type:B ")
	if !ok || fi.n != 12 || fi.pts != 24576 || !fi.hasPTS || fi.format != "rgb24" || fi.w != 320 || fi.h != 240 {
		t.Errorf("parsed %+v %v", fi, ok)
	}
	fi, ok = parseShowinfo("n:   0 pts:NOPTS pts_time:NOPTS pos: -1 fmt:rgba sar:0/1 s:8x8 i:P iskey:1 type:I")
	if !ok || fi.hasPTS || fi.format != "rgba" {
		t.Errorf("no pts: %+v %v", fi, ok)
	}
	for _, bad := range []string{"", "side data - User Data Unregistered:", "n: x s:1x1", "n:1 s:0x5", "n:1 s:axb", "n:-1 s:2x2"} {
		if _, ok := parseShowinfo(bad); ok {
			t.Errorf("parseShowinfo(%q) accepted", bad)
		}
	}
	if tb, ok := parseTimeBase("config in time_base: 1/15360, frame_rate: 30/1"); !ok || tb != (Rational{1, 15360}) {
		t.Errorf("time base %v %v", tb, ok)
	}
	if _, ok := parseTimeBase("config out time_base: 0/0, frame_rate: 0/0"); ok {
		t.Error("output time base taken")
	}
}

func FuzzShowinfo(f *testing.F) {
	f.Add("[showinfo@veil @ 0x55] [info] n:   3 pts:   1536 pts_time:0.1 pos: 4242 fmt:rgb24 sar:1/1 s:64x48 i:P iskey:1 type:I")
	f.Add("[showinfo@veil @ 0x55] [info] config in time_base: 1/15360, frame_rate: 30/1")
	f.Add("[h264 @ 0x5] [IMGUTILS @ 0x7] [error] Picture size 320x240 exceeds specified max pixel count 1000")
	f.Add("[error] file:/tmp/x.mp4: Invalid data found when processing input")
	f.Fuzz(func(t *testing.T, line string) {
		l := parseLogLine(line)
		if fi, ok := parseShowinfo(l.msg); ok && (fi.w <= 0 || fi.h <= 0 || fi.n < 0) {
			t.Fatalf("accepted %+v", fi)
		}
		if tb, ok := parseTimeBase(l.msg); ok && (tb.Num <= 0 || tb.Den <= 0) {
			t.Fatalf("time base %v", tb)
		}
		if reason, _ := explain([]logLine{l}); strings.ContainsAny(reason, "\n\r") {
			t.Fatalf("reason on several lines: %q", reason)
		}
	})
}
