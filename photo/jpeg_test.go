package photo

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
)

// testPicture is a smooth, photo-like RGB picture with some noise: colour
// gradients, a few discs and a texture, deterministic for a given seed.
func testPicture(w, h int, seed uint64) *image.NRGBA {
	rng := rand.New(rand.NewPCG(seed, 7))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	type disc struct{ x, y, r float64 }
	var discs [6]disc
	for i := range discs {
		discs[i] = disc{rng.Float64() * float64(w), rng.Float64() * float64(h), (0.05 + 0.2*rng.Float64()) * float64(min(w, h))}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r := 255 * x / w
			g := 255 * y / h
			b := 128 + int(60*float64((x/7+y/5)%9)/9)
			for i, d := range discs {
				dx, dy := float64(x)-d.x, float64(y)-d.y
				if dx*dx+dy*dy < d.r*d.r {
					r, g, b = (r+40*i)%256, (g+90)%256, (b+30*i)%256
				}
			}
			n := int(rng.IntN(9)) - 4
			o := img.PixOffset(x, y)
			img.Pix[o] = clamp8(r + n)
			img.Pix[o+1] = clamp8(g + n)
			img.Pix[o+2] = clamp8(b - n)
			img.Pix[o+3] = 255
		}
	}
	return img
}

func clamp8(v int) uint8 { return uint8(max(0, min(255, v))) }

func encodeJPEG(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// maxDiff returns the largest channel difference between two images of the
// same size, read as 8-bit RGBA.
func maxDiff(a, b image.Image) int {
	worst := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p := color.NRGBAModel.Convert(a.At(x, y)).(color.NRGBA)
			q := color.NRGBAModel.Convert(b.At(x, y)).(color.NRGBA)
			for _, d := range []int{int(p.R) - int(q.R), int(p.G) - int(q.G), int(p.B) - int(q.B)} {
				worst = max(worst, d, -d)
			}
		}
	}
	return worst
}

func TestDecodeJPEGKinds(t *testing.T) {
	pic := testPicture(203, 117, 1)
	grey := image.NewGray(pic.Bounds())
	for i := range grey.Pix {
		grey.Pix[i] = pic.Pix[4*i+1]
	}
	for _, tc := range []struct {
		name string
		img  image.Image
		want string
	}{
		{"rgb", pic, "*image.NRGBA"},
		{"grey", grey, "*image.Gray"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := encodeJPEG(t, tc.img, 92)
			got, f, err := Decode(b)
			if err != nil || f != JPEG {
				t.Fatalf("Decode: %v, %v", f, err)
			}
			if typ := typeName(got); typ != tc.want {
				t.Fatalf("type %s, want %s", typ, tc.want)
			}
			if got.Bounds() != tc.img.Bounds() {
				t.Fatalf("bounds %v, want %v", got.Bounds(), tc.img.Bounds())
			}
			// Go's decoder differs from libjpeg's in IDCT rounding and chroma
			// upsampling (large only at sharp colour edges): close on average.
			gref, err := jpeg.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if d := meanDiff(got, gref); d > 4 {
				t.Errorf("differs from image/jpeg by %.2f levels on average (max %d)", d, maxDiff(got, gref))
			}
			if n, ok := got.(*image.NRGBA); ok {
				for i := 3; i < len(n.Pix); i += 4 {
					if n.Pix[i] != 255 {
						t.Fatalf("alpha %d at byte %d", n.Pix[i], i)
					}
				}
			}
			cfg, _, err := Config(b)
			if err != nil || cfg.Width != 203 || cfg.Height != 117 {
				t.Errorf("Config = %+v, %v", cfg, err)
			}
		})
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *image.NRGBA:
		return "*image.NRGBA"
	case *image.Gray:
		return "*image.Gray"
	}
	return "other"
}

// TestDecodeJPEGDamaged: a truncated or damaged JPEG must fail, never give a
// grey-filled partial picture, and never crash.
func TestDecodeJPEGDamaged(t *testing.T) {
	b := encodeJPEG(t, testPicture(320, 240, 2), 90)
	sos := bytes.Index(b, []byte{0xFF, 0xDA})
	if sos < 0 {
		t.Fatal("no SOS")
	}
	for _, cut := range []int{len(b) - 2, len(b) - 100, (sos + len(b)) / 2, sos + 20, sos, sos - 5, 100, 3} {
		_, _, err := Decode(b[:cut])
		if err == nil {
			t.Errorf("truncated at %d of %d: no error", cut, len(b))
		}
		if _, err := SampleJPEG(b[:cut], 64, 1); err == nil {
			t.Errorf("SampleJPEG truncated at %d: no error", cut)
		}
	}
	_, _, err := Decode(b[:len(b)/2])
	if err == nil || !strings.Contains(err.Error(), "corrupt jpeg data") {
		t.Errorf("error %q should say corrupt jpeg data", err)
	}
	// Garbage inside the entropy-coded data: whatever libjpeg makes of it, no panic.
	rng := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < 50; i++ {
		c := bytes.Clone(b)
		for k := 0; k < 8; k++ {
			c[sos+10+rng.IntN(len(c)-sos-12)] = byte(rng.IntN(256))
		}
		Decode(c)
		DecodePreview(c, 64)
	}
}

// TestDecodeJPEGPadding: bytes between the scan and EOI (common in camera
// files) leave the picture intact and are accepted; bytes inside the headers
// are not.
func TestDecodeJPEGPadding(t *testing.T) {
	b := encodeJPEG(t, testPicture(64, 48, 5), 90)
	want, _, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	padded := append(bytes.Clone(b[:len(b)-2]), append(bytes.Repeat([]byte{0x13, 0x37}, 200), 0xFF, 0xD9)...)
	got, _, err := Decode(padded)
	if err != nil {
		t.Fatalf("padding before EOI: %v", err)
	}
	if !bytes.Equal(got.(*image.NRGBA).Pix, want.(*image.NRGBA).Pix) {
		t.Error("padding before EOI changed the pixels")
	}
	sos := bytes.Index(b, []byte{0xFF, 0xDA})
	junk := append(append(bytes.Clone(b[:sos]), 0x01, 0x02), b[sos:]...)
	if _, _, err := Decode(junk); err == nil {
		t.Error("junk before SOS accepted")
	}
}

// TestDecodeJPEGHugeHeader: sizes are refused from the header, before any
// pixel buffer is allocated.
func TestDecodeJPEGHugeHeader(t *testing.T) {
	b := encodeJPEG(t, testPicture(16, 16, 4), 90)
	sof := bytes.Index(b, []byte{0xFF, 0xC0})
	if sof < 0 {
		t.Fatal("no SOF0")
	}
	for _, wh := range [][2]int{{60000, 60000}, {65500, 2000}} {
		c := bytes.Clone(b)
		c[sof+5], c[sof+6] = byte(wh[1]>>8), byte(wh[1])
		c[sof+7], c[sof+8] = byte(wh[0]>>8), byte(wh[0])
		for name, f := range map[string]func([]byte) error{
			"Decode":        func(b []byte) error { _, _, err := Decode(b); return err },
			"decodeJPEG":    func(b []byte) error { _, err := decodeJPEG(b); return err },
			"SampleJPEG":    func(b []byte) error { _, err := SampleJPEG(b, 512, 1); return err },
			"DecodePreview": func(b []byte) error { _, _, err := DecodePreview(b, 256); return err },
		} {
			if err := f(c); !errors.Is(err, ErrTooLarge) {
				t.Errorf("%s %v: %v, want ErrTooLarge", name, wh, err)
			}
		}
	}
}

// nearestOf samples img to ow×oh by PDQ's nearest-neighbour rule.
func nearestOf(img image.Image, side int) *image.NRGBA {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	ow, oh := w, h
	if w > side || h > side {
		ow, oh = side, side
	}
	src := ToNRGBA(img)
	out := image.NewNRGBA(image.Rect(0, 0, ow, oh))
	for y := 0; y < oh; y++ {
		for x := 0; x < ow; x++ {
			copy(out.Pix[out.PixOffset(x, y):out.PixOffset(x, y)+4], src.Pix[src.PixOffset(x*w/ow, y*h/oh):])
		}
	}
	return out
}

// TestSampleJPEG: the one-pass sampler equals nearest sampling of the fully
// decoded, oriented picture, pixel for pixel, and knows about grey.
func TestSampleJPEG(t *testing.T) {
	for _, sz := range [][2]int{{700, 530}, {300, 1100}, {120, 90}, {513, 512}} {
		b := encodeJPEG(t, testPicture(sz[0], sz[1], 5), 88)
		full, _, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		samples, err := SampleJPEG(b, 512, 1, 2, 3, 4, 5, 6, 7, 8)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range samples {
			o := i + 1
			want := nearestOf(Orient(full, o), 512)
			got := ToNRGBA(s.Image)
			if got.Bounds() != want.Bounds() || !bytes.Equal(got.Pix, want.Pix) {
				t.Errorf("%v orientation %d: sample %v differs from sampled decode %v", sz, o, got.Bounds(), want.Bounds())
			}
			if s.Grey {
				t.Errorf("%v: colour picture reported grey", sz)
			}
		}
	}
	// A colour JPEG whose pixels all decode with R=G=B is grey; a greyscale
	// JPEG gives *image.Gray.
	g := image.NewGray(image.Rect(0, 0, 600, 40))
	for i := range g.Pix {
		g.Pix[i] = uint8(i * 7)
	}
	s, err := SampleJPEG(encodeJPEG(t, g, 90), 512, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s[0].Image.(*image.Gray); !ok || !s[0].Grey {
		t.Errorf("greyscale JPEG: %T grey=%v", s[0].Image, s[0].Grey)
	}
	flat := image.NewNRGBA(image.Rect(0, 0, 600, 40))
	for i := range flat.Pix {
		flat.Pix[i] = 200
	}
	s, err = SampleJPEG(encodeJPEG(t, flat, 90), 512, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !s[0].Grey {
		t.Errorf("flat grey colour JPEG not reported grey")
	}
}

func TestDecodePreview(t *testing.T) {
	const W, H = 800, 450
	pic := testPicture(W, H, 6)
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, pic)
	jpg := encodeJPEG(t, pic, 85)
	for _, tc := range []struct {
		name    string
		b       []byte
		maxSide int
		w, h    int
	}{
		{"jpeg 1/2", jpg, 400, 400, 225},
		{"jpeg 1/8 then resample", jpg, 75, 75, 42},
		{"jpeg small enough", jpg, 1000, 800, 450},
		{"png", pngBuf.Bytes(), 200, 200, 112},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, _, err := DecodePreview(tc.b, tc.maxSide)
			if err != nil {
				t.Fatal(err)
			}
			if r := img.Bounds(); r.Dx() != tc.w || r.Dy() != tc.h {
				t.Fatalf("size %dx%d, want %dx%d", r.Dx(), r.Dy(), tc.w, tc.h)
			}
			// The preview still looks like the picture: compare with a
			// nearest reduction of the original at the preview's size.
			ref := image.NewNRGBA(img.Bounds())
			for y := 0; y < tc.h; y++ {
				for x := 0; x < tc.w; x++ {
					ref.Set(x, y, pic.At(x*W/tc.w, y*H/tc.h))
				}
			}
			if d := meanDiff(img, ref); d > 25 {
				t.Errorf("preview differs from the picture by %.1f levels on average", d)
			}
		})
	}
	if _, _, err := DecodePreview([]byte("not an image"), 100); err == nil {
		t.Error("no error for garbage")
	}
}

// meanDiff is the mean channel difference, over at most about 100k pixels.
func meanDiff(a, b image.Image) float64 {
	r := a.Bounds()
	step := max(1, r.Dx()*r.Dy()/100_000)
	var sum, n float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X + y%step; x < r.Max.X; x += step {
			p := color.NRGBAModel.Convert(a.At(x, y)).(color.NRGBA)
			q := color.NRGBAModel.Convert(b.At(x, y)).(color.NRGBA)
			for _, d := range []int{int(p.R) - int(q.R), int(p.G) - int(q.G), int(p.B) - int(q.B)} {
				sum += float64(max(d, -d))
				n++
			}
		}
	}
	return sum / n
}

// sharedJPEGs returns the JPEG fixtures in ../shared, or nil when absent.
func sharedJPEGs(t testing.TB) []string {
	root, ok := testenv.SharedPath("fixtures")
	if !ok {
		return nil
	}
	var out []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(strings.ToLower(p), ".jpg") || strings.HasSuffix(strings.ToLower(p), ".jpeg")) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestSharedJPEGs decodes every JPEG fixture: each either decodes to the
// size its header gives, or fails with a "corrupt" message.
func TestSharedJPEGs(t *testing.T) {
	files := sharedJPEGs(t)
	if len(files) == 0 {
		t.Skip("../shared/fixtures not present: no JPEG fixtures")
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := Decode(b)
		if err != nil {
			if !strings.Contains(err.Error(), "corrupt") {
				t.Errorf("%s: %v", p, err)
			}
			continue
		}
		cfg, _, _ := Config(b)
		if img.Bounds().Dx() != cfg.Width || img.Bounds().Dy() != cfg.Height {
			t.Errorf("%s: decoded %v, header %dx%d", p, img.Bounds(), cfg.Width, cfg.Height)
		}
	}
}

var (
	big12Once sync.Once
	big12     []byte
)

// jpeg12MP is a 4000x3000 JPEG at quality 90 (4:2:0), made once.
func jpeg12MP(b testing.TB) []byte {
	big12Once.Do(func() { big12 = encodeJPEG(b, testPicture(4000, 3000, 9), 90) })
	return big12
}

func BenchmarkDecodeJPEG12MP(b *testing.B) {
	data := jpeg12MP(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSampleJPEG12MP(b *testing.B) {
	data := jpeg12MP(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := SampleJPEG(data, 512, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodePreview12MP(b *testing.B) {
	data := jpeg12MP(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := DecodePreview(data, 1024); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCMYKJPEG: Adobe CMYK JPEGs (from ../shared) decode to the colours Go's
// own decoder sees, through ImageMagick's conversion (the PDQ reference
// tests check the exact bytes).
func TestCMYKJPEG(t *testing.T) {
	n := 0
	for _, p := range sharedJPEGs(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(b)); err != nil || cfg.ColorModel != color.CMYKModel {
			continue
		}
		ref, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil {
			continue
		}
		n++
		img, _, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if _, ok := img.(*image.NRGBA); !ok {
			t.Fatalf("%s: %T", p, img)
		}
		if d := meanDiff(img, ref); d > 3 {
			t.Errorf("%s: %.2f levels from image/jpeg's CMYK conversion", p, d)
		}
	}
	if n == 0 {
		t.Skip("../shared/fixtures not present: no CMYK JPEG")
	}
	t.Logf("%d CMYK JPEGs", n)
}
