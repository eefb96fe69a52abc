package photo

import (
	"crypto/sha256"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The JPEGs in testdata/jpeg were made with libjpeg-turbo 2.1.5's cjpeg from
// one 67x45 picture: 4:2:0 baseline and arithmetic-coded, 4:2:2 progressive,
// 4:4:0, 4:4:4 with restart markers, grey progressive. Odd sizes, so the
// upsamplers' edge cases are in them.
//
// testdata/jpeg-pixels.golden holds a SHA-256 of the pixels of every way
// Veil decodes them (full size, the scaled fast and slow previews, the
// one-pass sampler PDQ hashes), written by the cgo build's native
// libjpeg-turbo (go test -run TestJPEGPixelsNative -update). The cgo build
// checks the file against the native library, the cgo-free build
// (TestJPEGWithoutCgo) against the WebAssembly one: both give these pixels.

// jpegPixelDigests decodes every testdata JPEG with this build's decoder and
// returns one line per decode: file, way, image type, size, pixel hash.
func jpegPixelDigests(t *testing.T) []byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "jpeg", "*.jpg"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no JPEGs in testdata/jpeg: %v", err)
	}
	var out strings.Builder
	line := func(name, way string, imgs ...any) {
		fmt.Fprintf(&out, "%s %s", name, way)
		for _, v := range imgs {
			fmt.Fprintf(&out, " %v", v)
		}
		out.WriteByte('\n')
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(p)
		for _, way := range []struct {
			denom int
			fast  bool
		}{{1, false}, {2, true}, {4, false}, {8, true}} {
			img, err := decodeJPEGScaled(b, way.denom, way.fast)
			if err != nil {
				t.Fatalf("%s 1/%d: %v", name, way.denom, err)
			}
			line(name, fmt.Sprintf("1/%d-fast=%v", way.denom, way.fast), typeName(img), img.Bounds().Size(), pixelHash(t, img))
		}
		cfg, err := jpegConfig(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		views, grey, err := decodeJPEGGather(b, []gatherMap{nearestMap(cfg.Width, cfg.Height, 1, 32), nearestMap(cfg.Width, cfg.Height, 6, 16)})
		if err != nil {
			t.Fatalf("%s gather: %v", name, err)
		}
		for i, v := range views {
			line(name, fmt.Sprintf("gather-%d-grey=%v", i, grey), typeName(v), v.Bounds().Size(), pixelHash(t, v))
		}
	}
	// A damaged file fails with the same line with either library.
	b, _ := os.ReadFile(files[0])
	_, err = decodeJPEG(b[:len(b)/2])
	line("truncated", "error", err)
	return []byte(out.String())
}

// pixelHash is the start of the SHA-256 of an image's pixel bytes.
func pixelHash(t *testing.T, img image.Image) string {
	t.Helper()
	pix := pixOf(img)
	if pix == nil {
		t.Fatalf("decoded a %s: no pixel bytes to compare", typeName(img))
	}
	return fmt.Sprintf("%x", sha256.Sum256(pix))[:24]
}

// pixOf returns an image's pixel bytes, or nil.
func pixOf(img image.Image) []byte {
	switch m := img.(type) {
	case *image.NRGBA:
		return m.Pix
	case *image.Gray:
		return m.Pix
	}
	return nil
}
