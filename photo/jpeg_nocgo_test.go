//go:build !cgo

package photo

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestJPEGWithoutCgo: a build without cgo decodes JPEG with libjpeg-turbo
// compiled to WebAssembly and translated to Go, and gets exactly the pixels
// the cgo build's native libjpeg-turbo gets (testdata/jpeg-pixels.golden,
// which TestJPEGPixelsNative checks in the cgo build), in every way Veil
// decodes and for the error of a damaged file. make portable runs this
// with CGO_ENABLED=0.
func TestJPEGWithoutCgo(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "jpeg-pixels.golden"))
	if err != nil {
		t.Fatal(err)
	}
	got := jpegPixelDigests(t)
	if !bytes.Equal(got, want) {
		t.Errorf("the cgo-free decoder's pixels differ from the native library's:\n--- cgo-free\n%s\n--- native (golden)\n%s", got, want)
	}
	// The public entry point reaches it too.
	b, err := os.ReadFile(filepath.Join("testdata", "jpeg", "420-baseline.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	img, f, err := Decode(b)
	if err != nil || f != JPEG {
		t.Fatalf("Decode: %v %v", f, err)
	}
	line := fmt.Sprintf("420-baseline.jpg 1/1-fast=false %s %v %s\n", typeName(img), img.Bounds().Size(), pixelHash(t, img))
	if !bytes.Contains(want, []byte(line)) {
		t.Errorf("Decode gave %q, not in the golden file", line)
	}
}
