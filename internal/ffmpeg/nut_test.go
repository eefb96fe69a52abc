package ffmpeg

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"
	"time"
)

// vfrTimes are the timestamps (ms) of a variable-frame-rate clip: bursts,
// pauses and irregular steps.
var vfrTimes = []int64{0, 33, 66, 150, 200, 400, 410, 420, 600, 700, 1000, 1033}

// nutFrames writes frames of w×h RGBA, frame i a flat grey of 20·i, shown
// at times (in tb), as a NUT stream to a pipe.
func nutFrames(t *testing.T, w, h int, f PixelFormat, tb Rational, times []int64) io.Reader {
	t.Helper()
	pr, pw := io.Pipe()
	go func() {
		nw, err := NewNUTWriter(pw, NUTVideo{Width: w, Height: h, Format: f, TimeBase: tb})
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		pix := make([]byte, w*h*f.bytesPerPixel())
		for i, ts := range times {
			for k := range pix {
				pix[k] = byte(20 * i)
				if f == RGBA && k%4 == 3 {
					pix[k] = 255
				}
			}
			if err := nw.WriteFrame(ts, pix); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(nw.Flush())
	}()
	t.Cleanup(func() { pr.Close() })
	return pr
}

// unnamedFile is an empty file with no name left (created, then removed).
func unnamedFile(t *testing.T) *os.File {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(f.Name())
	t.Cleanup(func() { f.Close() })
	return f
}

// TestNUTKeepsTimestamps encodes a variable-frame-rate NUT stream into an
// unnamed MP4 and decodes it back: every frame at its own time, its pixels
// as written.
func TestNUTKeepsTimestamps(t *testing.T) {
	ff := runner(t)
	for _, pf := range []PixelFormat{RGB24, RGBA} {
		out := unnamedFile(t)
		err := ff.Run(context.Background(), Job{
			Inputs: []Input{{Stdin: nutFrames(t, 64, 48, pf, Rational{1, 1000}, vfrTimes), Format: "nut"}},
			Args: []string{"-map", "0:v", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv444p",
				"-fps_mode", "passthrough", "-enc_time_base", "-1", "-video_track_timescale", "1000"},
			Format: "mp4", OutputFile: out,
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []time.Duration
		var grey []byte
		err = ff.FramesOf(context.Background(), out, FrameOptions{}, func(f *Frame) error {
			got = append(got, f.Time)
			grey = append(grey, f.Pix[len(f.Pix)/2])
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(vfrTimes) {
			t.Fatalf("%d frames back, want %d: %v", len(got), len(vfrTimes), got)
		}
		for i, ms := range vfrTimes {
			if got[i] != time.Duration(ms)*time.Millisecond {
				t.Errorf("%v: frame %d at %v, want %d ms", pf, i, got[i], ms)
			}
			if d := int(grey[i]) - 20*i; d < -2 || d > 2 {
				t.Errorf("%v: frame %d is grey %d, want %d", pf, i, grey[i], 20*i)
			}
		}
	}
}

func TestNUTWriterRefuses(t *testing.T) {
	if _, err := NewNUTWriter(io.Discard, NUTVideo{Width: 0, Height: 10, TimeBase: Rational{1, 30}}); err == nil {
		t.Error("zero width accepted")
	}
	if _, err := NewNUTWriter(io.Discard, NUTVideo{Width: 10, Height: 10, TimeBase: Rational{0, 30}}); err == nil {
		t.Error("zero time base accepted")
	}
	var b bytes.Buffer
	w, err := NewNUTWriter(&b, NUTVideo{Width: 2, Height: 2, TimeBase: Rational{2, 60}})
	if err != nil {
		t.Fatal(err)
	}
	pix := make([]byte, 12)
	if err := w.WriteFrame(5, pix); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		pts int64
		pix []byte
	}{{5, pix}, {4, pix}, {-1, pix}, {6, pix[:11]}} {
		if err := w.WriteFrame(tt.pts, tt.pix); err == nil {
			t.Errorf("frame at %d of %d bytes accepted", tt.pts, len(tt.pix))
		}
	}
}

// TestNUTVarlen checks the variable-length numbers against the NUT
// specification's examples.
func TestNUTVarlen(t *testing.T) {
	for _, tt := range []struct {
		x    uint64
		want []byte
	}{{0, []byte{0}}, {127, []byte{0x7F}}, {128, []byte{0x81, 0x00}}, {65536, []byte{0x84, 0x80, 0x00}}} {
		if got := putV(nil, tt.x); !bytes.Equal(got, tt.want) {
			t.Errorf("putV(%d) = % x, want % x", tt.x, got, tt.want)
		}
	}
	for _, tt := range []struct {
		x    int64
		want byte
	}{{0, 0}, {1, 1}, {-1, 2}, {2, 3}, {-2, 4}} {
		if got := putS(nil, tt.x); len(got) != 1 || got[0] != tt.want {
			t.Errorf("putS(%d) = % x, want %02x", tt.x, got, tt.want)
		}
	}
	// CRC-32/POSIX (init 0) without its final inversion: its check value
	// 765e7680, inverted.
	if c := crcNUT(0, []byte("123456789")); c != 0x89A1897F {
		t.Errorf("crc(123456789) = %08x, want 89a1897f", c)
	}
}
