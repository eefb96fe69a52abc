package photo

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"
)

// TestWebPLossyAsLibwebp: lossy WebPs decode to exactly the RGBA that
// libwebp 1.2.4's dwebp (default options, as ImageMagick and PDQ's reference
// read them) wrote into the .pam beside each file: odd and even widths and
// heights, and a picture with an alpha channel (kept straight).
func TestWebPLossyAsLibwebp(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "lossy-*.webp"))
	if len(files) != 3 {
		t.Fatalf("found %d lossy WebP test files, want 3", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			img, format, err := Decode(b)
			if err != nil || format != WebP {
				t.Fatalf("Decode: %v %v", format, err)
			}
			got, ok := img.(*image.NRGBA)
			if !ok {
				t.Fatalf("decoded as %T, want *image.NRGBA", img)
			}
			want := readPAM(t, f[:len(f)-len(".webp")]+".pam")
			if got.Rect != want.Rect {
				t.Fatalf("size %v, want %v", got.Rect, want.Rect)
			}
			bad := 0
			for y := 0; y < want.Rect.Dy(); y++ {
				g := got.Pix[y*got.Stride : y*got.Stride+4*want.Rect.Dx()]
				w := want.Pix[y*want.Stride : y*want.Stride+4*want.Rect.Dx()]
				if !bytes.Equal(g, w) {
					bad++
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d rows differ from libwebp's", bad, want.Rect.Dy())
			}
		})
	}
}

// readPAM reads dwebp's RGB_ALPHA PAM output.
func readPAM(t *testing.T, path string) *image.NRGBA {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var w, h, depth, maxval int
	var tuple string
	end := bytes.Index(b, []byte("ENDHDR\n"))
	if end < 0 {
		t.Fatalf("%s: no PAM header", path)
	}
	if _, err := fmt.Sscanf(string(b[:end]), "P7\nWIDTH %d\nHEIGHT %d\nDEPTH %d\nMAXVAL %d\nTUPLTYPE %s\n", &w, &h, &depth, &maxval, &tuple); err != nil || depth != 4 || maxval != 255 {
		t.Fatalf("%s: header %q: %v", path, b[:end], err)
	}
	pix := b[end+len("ENDHDR\n"):]
	if len(pix) != 4*w*h {
		t.Fatalf("%s: %d pixel bytes for %dx%d", path, len(pix), w, h)
	}
	return &image.NRGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
}

// BenchmarkWebPRGB is the conversion that Decode adds to x/image/webp's
// decoding of a 12 MP lossy WebP (x/image/webp itself takes ~220 ms CPU here
// for one made by cwebp -q 80; this adds ~60 ms, mostly writing 48 MB).
func BenchmarkWebPRGB(b *testing.B) {
	m := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	for i := range m.Y {
		m.Y[i] = byte(i * 7 >> 3)
	}
	for i := range m.Cb {
		m.Cb[i], m.Cr[i] = byte(i*3>>2), byte(255-i*5>>3)
	}
	b.ReportAllocs()
	for b.Loop() {
		webpRGB(m, nil, 0)
	}
}
