package vpdq

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/internal/testenv"
)

// readExpected reads a reference vpdq/*.txt (header line, then
// frame,quality,hash,timestamp lines).
func readExpected(t *testing.T, path string) []Feature {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Feature
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "frame,") {
			continue
		}
		ft, err := ParseLine(line)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ft)
	}
	return out
}

// simdVectors are the expected files that follow FFmpeg's default (SIMD)
// pixel path rather than its plain C path (fixtures README).
var simdVectors = map[string]bool{"test-padded-dimensions": true}

// TestReferenceVectors compares Veil's vPDQ of every fixture video with
// Meta's expected hashes frame by frame: frame number, quality, hash and
// timestamp must all be equal, and so must the number of frames.
func TestReferenceVectors(t *testing.T) {
	if raceEnabled {
		t.Skip("checked in the normal run (the race detector makes full-size PDQ ten times slower)")
	}
	dir := testenv.Shared(t, "fixtures/video/vpdq")
	ff := runner(t)
	expected, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(expected) == 0 {
		t.Fatalf("no expected files in %s", dir)
	}
	if testing.Short() {
		// The two smallest: a default-path and a plain-C vector.
		expected = []string{filepath.Join(dir, "test-padded-dimensions.txt"), filepath.Join(dir, "doorknob-hd-no-bar.txt")}
	}
	total := 0
	for _, exp := range expected {
		name := strings.TrimSuffix(filepath.Base(exp), ".txt")
		t.Run(name, func(t *testing.T) {
			video := filepath.Join(dir, "..", name+".mp4")
			want := readExpected(t, exp)
			res, err := Hash(context.Background(), ff, video, Options{SIMD: simdVectors[name]})
			if err != nil {
				t.Fatal(err)
			}
			got := res.Features
			if len(got) != len(want) {
				t.Errorf("%d frames, want %d", len(got), len(want))
			}
			bad := 0
			for i := range min(len(got), len(want)) {
				if got[i].Line() != want[i].Line() {
					if bad++; bad <= 5 {
						t.Errorf("frame %d:\n got %s\nwant %s", i, got[i].Line(), want[i].Line())
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d frames differ (%s)", bad, len(want), res.PixelPath)
			}
			total += len(want)
		})
	}
	t.Logf("%d files, %d frames compared", len(expected), total)
}

// runner returns a Runner for the system's FFmpeg, or skips.
func runner(t testing.TB) *ffmpeg.Runner {
	t.Helper()
	testenv.NeedFFmpeg(t)
	r, err := ffmpeg.New()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestPaddedDimensionsPixelPath documents the fixtures README's exception:
// test-padded-dimensions.txt follows FFmpeg's SIMD path, so the plain C
// path gives the same frames and times but not all the same hashes.
func TestPaddedDimensionsPixelPath(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("checked in the full normal run")
	}
	dir := testenv.Shared(t, "fixtures/video/vpdq")
	ff := runner(t)
	want := readExpected(t, filepath.Join(dir, "test-padded-dimensions.txt"))
	res, err := Hash(context.Background(), ff, filepath.Join(dir, "..", "test-padded-dimensions.mp4"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Features) != len(want) {
		t.Fatalf("%d frames, want %d", len(res.Features), len(want))
	}
	same := 0
	for i, f := range res.Features {
		if f.Frame != want[i].Frame || formatTimestamp(f.Timestamp) != formatTimestamp(want[i].Timestamp) {
			t.Errorf("frame %d: %s, want %s", i, f.Line(), want[i].Line())
		}
		if f.Hash == want[i].Hash && f.Quality == want[i].Quality {
			same++
		}
	}
	t.Logf("plain C path: %d of %d frames equal the default-path vector", same, len(want))
}
