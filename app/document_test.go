package app

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
)

// photo24MP is a 6000x4000 JPEG with enough detail to cost what a camera
// photo costs to decode.
func photo24MP(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, 6000, 4000), image.YCbCrSubsampleRatio420)
	for y := 0; y < 4000; y++ {
		for x := 0; x < 6000; x++ {
			img.Y[y*img.YStride+x] = uint8((x*7 + y*13 + (x*y)%251) & 0xff)
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(i*3), uint8(i*5)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkLoadPreview24MP is the work between choosing a 24 MP photo and
// its first frame: the scaled decode, orientation and the display copy.
func BenchmarkLoadPreview24MP(b *testing.B) {
	data := photo24MP(b)
	eng := defaultEngines()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		d, err := loadPreview(eng, "", "x.jpg", data)
		if err != nil || d.Display.Bounds().Dx() != displayMaxSide {
			b.Fatal(err)
		}
	}
}

// BenchmarkShrinkDisplay is the reduction from the detection copy to the
// display copy.
func BenchmarkShrinkDisplay(b *testing.B) {
	src := image.NewNRGBA(image.Rect(0, 0, 2560, 1707))
	for i := range src.Pix {
		src.Pix[i] = uint8(i)
	}
	b.ReportAllocs()
	for range b.N {
		shrink(src, displayMaxSide)
	}
}

func TestAsNRGBA(t *testing.T) {
	opaque := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range opaque.Pix {
		opaque.Pix[i] = 255
	}
	opaque.Set(1, 1, color.RGBA{10, 20, 30, 255})
	n := asNRGBA(opaque)
	if &n.Pix[0] != &opaque.Pix[0] || n.NRGBAAt(1, 1) != (color.NRGBA{10, 20, 30, 255}) {
		t.Error("an opaque RGBA image was copied or changed")
	}
	clear := image.NewRGBA(image.Rect(0, 0, 1, 1))
	clear.Set(0, 0, color.RGBA{50, 0, 0, 128})
	if got := asNRGBA(clear).NRGBAAt(0, 0); got.A != 128 || got.R < 99 || got.R > 101 {
		t.Errorf("translucent pixel became %v, want straight alpha", got)
	}
}

func TestShrinkKeepsSmallImages(t *testing.T) {
	small := image.NewNRGBA(image.Rect(0, 0, 100, 50))
	if shrink(small, 2048) != image.Image(small) {
		t.Error("a small image was copied")
	}
	big := image.NewNRGBA(image.Rect(0, 0, 4000, 1000))
	big.Set(0, 0, color.White)
	if got := shrink(big, 2048).Bounds(); got != image.Rect(0, 0, 2048, 512) {
		t.Errorf("shrink to %v", got)
	}
}

// BenchmarkLoadPreviewHEIC is the same work for the 12 MP iPhone HEIC in
// ../shared (libheif's grid decode dominates).
func BenchmarkLoadPreviewHEIC(b *testing.B) {
	data := testenv.ReadShared(b, testenv.IPhoneHEIC)
	eng := defaultEngines()
	b.ReportAllocs()
	// CPU matters as much as wall time: the first frame competes with
	// Fyne's start-up for the cores.
	start := processCPU()
	for b.Loop() {
		if _, err := loadPreview(eng, "", "x.heic", data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((processCPU()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
}
