package photo

import (
	"image"
	"image/color"
	"testing"
)

// marked is a 3x2 image whose pixels are all different, so any wrong
// transform shows.
func marked() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	for y := 0; y < 2; y++ {
		for x := 0; x < 3; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 0, 255})
		}
	}
	return img
}

func TestOrientAndOrientPointAgree(t *testing.T) {
	src := marked()
	for o := 1; o <= 8; o++ {
		out := ToNRGBA(Orient(src, o))
		w, h := out.Bounds().Dx(), out.Bounds().Dy()
		if (o >= 5) != (w == 2) {
			t.Fatalf("orientation %d: got %dx%d", o, w, h)
		}
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				sx, sy := OrientPoint(x, y, 3, 2, o)
				if got, want := out.NRGBAAt(x, y), src.NRGBAAt(sx, sy); got != want {
					t.Errorf("orientation %d: displayed (%d,%d) = %v, stored (%d,%d) = %v", o, x, y, got, sx, sy, want)
				}
			}
		}
	}
}

func TestOrientKnownCorners(t *testing.T) {
	// Orientation 6 means the stored image must be turned 90° clockwise:
	// the stored bottom-left pixel becomes the displayed top-left.
	out := ToNRGBA(Orient(marked(), 6))
	if got := out.NRGBAAt(0, 0); got != (color.NRGBA{0, 1, 0, 255}) {
		t.Errorf("orientation 6 top-left = %v, want stored (0,1)", got)
	}
	out = ToNRGBA(Orient(marked(), 8))
	if got := out.NRGBAAt(0, 0); got != (color.NRGBA{2, 0, 0, 255}) {
		t.Errorf("orientation 8 top-left = %v, want stored (2,0)", got)
	}
}

func TestOrientationFromJPEG(t *testing.T) {
	// SOI, APP1 XMP first (must be skipped), then APP1 Exif with orientation 6.
	xmp := append([]byte("http://ns.adobe.com/xap/1.0/\x00"), []byte("<x/>")...)
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0}
	exif := append([]byte("Exif\x00\x00"), tiff...)
	b := []byte{0xFF, 0xD8}
	for _, p := range [][]byte{xmp, exif} {
		n := len(p) + 2
		b = append(b, 0xFF, 0xE1, byte(n>>8), byte(n))
		b = append(b, p...)
	}
	b = append(b, 0xFF, 0xD9)
	if o := Orientation(b); o != 6 {
		t.Fatalf("Orientation = %d, want 6", o)
	}
	if o := Orientation(b[:20]); o != 1 {
		t.Fatalf("truncated: Orientation = %d, want 1", o)
	}
}

func TestSniff(t *testing.T) {
	tests := map[string]struct {
		in   string
		want Format
	}{
		"jpeg":  {"\xFF\xD8\xFF\xE0", JPEG},
		"png":   {"\x89PNG\r\n\x1a\n", PNG},
		"webp":  {"RIFF\x00\x00\x00\x00WEBPVP8 ", WebP},
		"gif":   {"GIF89a", GIF},
		"tiff":  {"II*\x00\x08\x00\x00\x00", TIFF},
		"heic":  {"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", HEIF},
		"mp4":   {"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isomiso2", Unknown},
		"text":  {"hello, world", Unknown},
		"empty": {"", Unknown},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Sniff([]byte(tt.in)); got != tt.want {
				t.Errorf("Sniff = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDisplayPointInvertsOrientPoint(t *testing.T) {
	for o := 1; o <= 8; o++ {
		for y := 0; y < 2; y++ {
			for x := 0; x < 3; x++ {
				dx, dy := DisplayPoint(x, y, 3, 2, o)
				if sx, sy := OrientPoint(dx, dy, 3, 2, o); sx != x || sy != y {
					t.Errorf("o=%d: (%d,%d) -> (%d,%d) -> (%d,%d)", o, x, y, dx, dy, sx, sy)
				}
			}
		}
	}
}
