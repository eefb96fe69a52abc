package video

import (
	"context"
	"image"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/internal/testenv"
)

// runner returns a Runner for the system's FFmpeg, or skips.
func runner(t testing.TB) *ffmpeg.Runner {
	t.Helper()
	testenv.NeedFFmpeg(t)
	ff, err := ffmpeg.New()
	if err != nil {
		t.Fatal(err)
	}
	return ff
}

// clip describes a video a test makes from frames it draws.
type clip struct {
	size image.Point // upright size
	n    int         // frames
	// tb and pts time the frames (default: 1/30 s, frame i at i).
	tb  ffmpeg.Rational
	pts func(i int) int64
	// draw paints upright frame i (RGBA, A = 255).
	draw func(i int, img *image.NRGBA)
	// rotate stores the frames turned a quarter turn anticlockwise with a
	// display matrix that turns them back (as phones held upright do).
	rotate bool
	// args are extra output options (metadata to strip, a sound track
	// from a second input...).
	args   []string
	inputs []ffmpeg.Input
}

// make encodes the clip into a new MP4 file in dir and returns its path.
func (c clip) make(t testing.TB, ff *ffmpeg.Runner, dir, name string) string {
	t.Helper()
	if c.tb == (ffmpeg.Rational{}) {
		c.tb = ffmpeg.Rational{Num: 1, Den: 30}
	}
	if c.pts == nil {
		c.pts = func(i int) int64 { return int64(i) }
	}
	stored := c.size
	if c.rotate {
		stored = image.Pt(c.size.Y, c.size.X)
	}
	pr, pw := io.Pipe()
	go func() {
		nw, err := ffmpeg.NewNUTWriter(pw, ffmpeg.NUTVideo{Width: stored.X, Height: stored.Y, Format: ffmpeg.RGBA, TimeBase: c.tb})
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		up := image.NewNRGBA(image.Rectangle{Max: c.size})
		st := image.NewNRGBA(image.Rectangle{Max: stored})
		for i := range c.n {
			c.draw(i, up)
			out := up
			if c.rotate {
				turnAnticlockwise(st, up)
				out = st
			}
			if err := nw.WriteFrame(c.pts(i), out.Pix); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(nw.Flush())
	}()
	defer pr.Close()
	path := filepath.Join(dir, name)
	args := []string{"-map", "0:v", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", "-pix_fmt", "yuv420p",
		"-fps_mode", "passthrough", "-enc_time_base", "-1", "-video_track_timescale", "90000"}
	args = append(args, c.args...)
	encoded := path
	if c.rotate {
		encoded = filepath.Join(dir, ".stored-"+name)
		defer os.Remove(encoded)
	}
	err := ff.Run(context.Background(), ffmpeg.Job{
		Inputs: append([]ffmpeg.Input{{Stdin: pr, Format: "nut"}}, c.inputs...),
		Args:   args, Format: "mp4", Output: encoded,
	})
	if err == nil && c.rotate {
		// FFmpeg writes a display matrix from "rotate" when it copies a
		// stream, not when it encodes one.
		err = ff.Run(context.Background(), ffmpeg.Job{
			Inputs: []ffmpeg.Input{{Path: encoded}},
			Args:   []string{"-map", "0", "-c", "copy", "-metadata:s:v:0", "rotate=270"}, Format: "mp4", Output: path,
		})
	}
	if err != nil {
		t.Fatalf("making %s: %v", name, err)
	}
	return path
}

// turnAnticlockwise writes src turned a quarter turn anticlockwise into dst
// (dst is src's height × width).
func turnAnticlockwise(dst, src *image.NRGBA) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	for y := range h {
		for x := range w {
			// (x, y) goes to (y, w-1-x).
			copy(dst.Pix[dst.PixOffset(y, w-1-x):][:4], src.Pix[src.PixOffset(x, y):][:4])
		}
	}
}

// decoded is one frame of a written video, upright.
type decoded struct {
	time time.Duration
	img  *image.NRGBA
}

// decodeAll decodes every frame of a video upright, as players show it.
func decodeAll(t testing.TB, ff *ffmpeg.Runner, path string) []decoded {
	t.Helper()
	var out []decoded
	err := ff.Frames(context.Background(), path, ffmpeg.FrameOptions{Pixels: ffmpeg.RGBA, AutoRotate: true}, func(f *ffmpeg.Frame) error {
		img := &image.NRGBA{Pix: append([]byte(nil), f.Pix...), Stride: f.Stride, Rect: image.Rect(0, 0, f.Width, f.Height)}
		out = append(out, decoded{f.Time, img})
		return nil
	})
	if err != nil {
		t.Fatalf("decoding %s: %v", filepath.Base(path), err)
	}
	return out
}

// fileNames lists dir's entries, hidden ones included.
func fileNames(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}
