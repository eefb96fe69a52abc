package vpdq

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/fingerprint/pdq"
)

func TestFeatureText(t *testing.T) {
	h, _ := pdq.Parse("dadb999c25266273529cadac89cb52c22324ad3bce99726c38668d93c799f07c")
	f := Feature{Frame: 31, Hash: h, Quality: 98, Timestamp: float32(31) / float32(29.97003)}
	if got := f.String(); got != "dadb999c25266273529cadac89cb52c22324ad3bce99726c38668d93c799f07c,98,1.034" {
		t.Errorf("String() = %q", got)
	}
	if got := f.Line(); got != "31,98,dadb999c25266273529cadac89cb52c22324ad3bce99726c38668d93c799f07c,1.034" {
		t.Errorf("Line() = %q", got)
	}
	back, err := ParseLine(f.Line())
	if err != nil || back.Line() != f.Line() {
		t.Errorf("ParseLine(Line()) = %v, %v", back, err)
	}
	for _, bad := range []string{"", "1,2,3", "x,50,dadb999c25266273529cadac89cb52c22324ad3bce99726c38668d93c799f07c,0.000",
		"1,101,dadb999c25266273529cadac89cb52c22324ad3bce99726c38668d93c799f07c,0.000", "1,50,dadb,0.000",
		"-1,50,dadb999c25266273529cadac89cb52c22324ad3bce99726c38668d93c799f07c,0.000"} {
		if _, err := ParseLine(bad); err == nil {
			t.Errorf("ParseLine(%q) accepted", bad)
		}
	}
}

func FuzzParseLine(f *testing.F) {
	f.Add("0,100,dadb999c25266273529cadac89cb52c22324ad3bce99726c38668d93c799f07c,0.000")
	f.Add("5,0,0000000000000000000000000000000000000000000000000000000000000000,1e9")
	f.Fuzz(func(t *testing.T, s string) {
		ft, err := ParseLine(s)
		if err != nil {
			return
		}
		if ft.Frame < 0 || ft.Quality < 0 || ft.Quality > 100 || ft.Timestamp < 0 {
			t.Fatalf("accepted %+v from %q", ft, s)
		}
		if _, err := ParseLine(ft.Line()); err != nil {
			t.Fatalf("its own line %q does not parse: %v", ft.Line(), err)
		}
	})
}

// generate makes a video with the system's ffmpeg.
func generate(t testing.TB, name string, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("ffmpeg", append(append([]string{"-nostdin", "-loglevel", "error", "-y"}, args...), out)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generating %s: %v\n%s", name, err, b)
	}
	return out
}

// TestSecondsPerHash picks frames as the reference does: one every
// int(seconds × frame rate) decoded frames, timed frame / rate.
func TestSecondsPerHash(t *testing.T) {
	ff := runner(t)
	src := generate(t, "ntsc.mp4", "-f", "lavfi", "-i", "testsrc2=s=96x64:r=30000/1001:d=3.1", "-c:v", "libx264", "-preset", "ultrafast")
	all, err := Hash(context.Background(), ff, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	every, err := Hash(context.Background(), ff, src, Options{SecondsPerHash: 1})
	if err != nil {
		t.Fatal(err)
	}
	if all.Every != 1 || every.Every != 29 || len(all.Features) != 93 || len(every.Features) != 4 {
		t.Fatalf("every frame: %d features (every %d); one a second: %d (every %d)", len(all.Features), all.Every, len(every.Features), every.Every)
	}
	for i, f := range every.Features {
		g := all.Features[f.Frame]
		if f.Frame != 29*i || f.Hash != g.Hash || f.Quality != g.Quality || f.Timestamp != float32(f.Frame)/float32(30000.0/1001) {
			t.Errorf("feature %d: %s; in the every-frame hash: %s", i, f.Line(), g.Line())
		}
	}
	if !strings.HasPrefix(all.PixelPath, "FFmpeg ") || !strings.Contains(all.PixelPath, "-cpuflags 0") {
		t.Errorf("pixel path %q", all.PixelPath)
	}
}

// TestTooSmallFrames writes frames under 5 pixels as the reference does:
// an all-zero hash of quality 0, counted.
func TestTooSmallFrames(t *testing.T) {
	ff := runner(t)
	src := generate(t, "tiny.mov", "-f", "lavfi", "-i", "testsrc=s=4x4:r=5:d=1", "-c:v", "png")
	res, err := Hash(context.Background(), ff, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.TooSmall != 5 || len(res.Features) != 5 || !res.Features[0].Hash.IsZero() || res.Features[0].Quality != 0 {
		t.Errorf("%d too small of %d: %v", res.TooSmall, len(res.Features), res.Features)
	}
}

// BenchmarkHash measures vPDQ on every frame of a 1280x720 clip, through
// both pixel paths (frames/s is the figure).
func BenchmarkHash(b *testing.B) {
	ff := runner(b)
	src := generate(b, "hd.mp4", "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=30:d=1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
	for _, simd := range []bool{false, true} {
		name := "plainC"
		if simd {
			name = "SIMD"
		}
		b.Run(name, func(b *testing.B) {
			frames := 0
			for b.Loop() {
				res, err := Hash(context.Background(), ff, src, Options{SIMD: simd})
				if err != nil {
					b.Fatal(err)
				}
				frames += len(res.Features)
			}
			b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}
