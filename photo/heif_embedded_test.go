//go:build !cgo || windows || embeddedheif

package photo

import (
	"strings"
	"testing"
)

// TestEmbeddedHEIF: the fallback decoder reads HEVC files and refuses AVIF
// with a clear error.
func TestEmbeddedHEIF(t *testing.T) {
	img, _, err := Decode(readTestdata(t, "small.heic"))
	if err != nil || img.Bounds().Dx() != 96 {
		t.Fatalf("small.heic: %v", err)
	}
	if _, _, err := Decode(readTestdata(t, "small.avif")); err == nil || !strings.Contains(err.Error(), "corrupt heif") {
		t.Fatalf("small.avif: err = %v", err)
	}
}
