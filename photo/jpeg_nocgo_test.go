//go:build !cgo

package photo

import (
	"bytes"
	"errors"
	"image/png"
	"testing"
)

// TestJPEGWithoutCgo: a build without cgo has no JPEG decoder, and says so in
// one line instead of failing to compile (make test runs this with
// CGO_ENABLED=0). PNG still decodes.
func TestJPEGWithoutCgo(t *testing.T) {
	j := encodeJPEG(t, testPicture(32, 24, 1), 90)
	// Exactly that line: the file is not "corrupt", the build lacks a decoder.
	if _, _, err := Config(j); err == nil || err.Error() != errNoJPEG.Error() {
		t.Errorf("Config: %v, want %v", err, errNoJPEG)
	}
	if _, _, err := Decode(j); !errors.Is(err, errNoJPEG) {
		t.Errorf("Decode: %v, want %v", err, errNoJPEG)
	}
	if _, _, err := DecodePreview(j, 256); !errors.Is(err, errNoJPEG) {
		t.Errorf("DecodePreview: %v, want %v", err, errNoJPEG)
	}
	if _, err := SampleJPEG(j, 64, 1); !errors.Is(err, errNoJPEG) {
		t.Errorf("SampleJPEG: %v, want %v", err, errNoJPEG)
	}
	var p bytes.Buffer
	png.Encode(&p, testPicture(32, 24, 1))
	if _, _, err := Decode(p.Bytes()); err != nil {
		t.Errorf("PNG: %v", err)
	}
}
