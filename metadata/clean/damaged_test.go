package clean

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"codeberg.org/veil/veil/internal/jpegseg"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"
)

// plainJPEG encodes a small photo-like JPEG with Go's encoder.
func plainJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 96, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 96; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 2), uint8(y * 3), uint8((x * y) % 251), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// scanStart returns the offset of the first entropy-coded byte.
func scanStart(t *testing.T, b []byte) int {
	segs, _, err := jpegseg.Walk(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range segs {
		if s.Marker == jpegseg.SOS {
			return s.End - len(s.Scan)
		}
	}
	t.Fatal("no scan")
	return 0
}

// djpeg decodes with libjpeg-turbo's command-line decoder, which tolerates
// damage the way image viewers do; nil when it is not installed.
func djpeg(t *testing.T, b []byte) []byte {
	t.Helper()
	if _, err := exec.LookPath("djpeg"); err != nil {
		return nil
	}
	p := filepath.Join(t.TempDir(), "in.jpg")
	os.WriteFile(p, b, 0o644)
	out, _ := exec.Command("djpeg", "-ppm", p).Output() // exit 2 on warnings
	return out
}

func TestCleanDamagedJPEG(t *testing.T) {
	good := plainJPEG(t)
	start := scanStart(t, good)
	mid := start + (len(good)-2-start)/2
	for mid < len(good) && good[mid] == 0xFF {
		mid++
	}
	junk := []byte("\xFF\x9FPLANTED payload hidden after an undefined marker")
	tests := map[string]struct {
		in      []byte
		removed string
	}{
		"undefined marker in the scan":   {append(append(append([]byte{}, good[:mid]...), junk...), good[mid:]...), "damaged image data"},
		"two undefined markers":          {append(append(append(append([]byte{}, good[:start+8]...), junk...), good[start+8:mid]...), append(append([]byte{}, junk...), good[mid:]...)...), "damaged image data"},
		"undefined marker, then trailer": {append(append(append(append([]byte{}, good[:mid]...), junk...), good[mid:]...), "PLANTED trailer"...), "after end of image"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			res, err := File(tt.in, metadata.Options{})
			if err != nil {
				t.Fatalf("Clean: %v", err)
			}
			if err := verify.File(res.Data, metadata.Options{}); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if bytes.Contains(res.Data, []byte("PLANTED")) {
				t.Error("hidden bytes survived")
			}
			if !bytes.HasSuffix(res.Data, []byte{0xFF, jpegseg.EOI}) {
				t.Error("output does not end with EOI")
			}
			if tt.removed != "" && !containsPhrase(res.Removed, tt.removed) {
				t.Errorf("Removed %q does not mention %q", res.Removed, tt.removed)
			}
			// What a tolerant decoder shows must not change.
			if in, out := djpeg(t, tt.in), djpeg(t, res.Data); in != nil && !bytes.Equal(in, out) {
				t.Error("libjpeg-turbo shows different pixels after cleaning")
			}
		})
	}
}

// TestCleanRefusesTruncatedJPEG: a file cut off inside its image data is bad
// input (one clear error, no output), even when junk follows the cut.
func TestCleanRefusesTruncatedJPEG(t *testing.T) {
	good := plainJPEG(t)
	mid := scanStart(t, good) + 100
	for name, b := range map[string][]byte{
		"cut mid-scan":        good[:mid],
		"cut, then junk":      append(append([]byte{}, good[:mid]...), "\xFF\x05PLANTED"...),
		"cut, one byte short": good[:len(good)-1],
	} {
		if res, err := File(b, metadata.Options{}); err == nil {
			t.Errorf("%s: cleaned (%d bytes) instead of refused", name, len(res.Data))
		}
	}
}

func TestDropUndecodableLeavesSoundFilesAlone(t *testing.T) {
	good := plainJPEG(t)
	out, n := dropUndecodable(good)
	if n != 0 || &out[0] != &good[0] {
		t.Fatalf("a sound JPEG was changed (%d bytes dropped)", n)
	}
}

func containsPhrase(list []string, s string) bool {
	for _, l := range list {
		if bytes.Contains([]byte(l), []byte(s)) {
			return true
		}
	}
	return false
}
