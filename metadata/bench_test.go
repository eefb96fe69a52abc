package metadata

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"codeberg.org/veil/veil/internal/jpegseg"
	"codeberg.org/veil/veil/internal/testimg"
)

var (
	jpeg12MPOnce sync.Once
	jpeg12MPData []byte
)

// jpeg12MP is a 4000x3000 camera-like JPEG with EXIF (GPS, orientation 6),
// XMP and a trailer, built once per process.
func jpeg12MP(b *testing.B) []byte {
	jpeg12MPOnce.Do(func() {
		img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
		for i := range img.Y {
			img.Y[i] = uint8(i * 7 >> 3)
		}
		for i := range img.Cb {
			img.Cb[i], img.Cr[i] = uint8(i>>5), uint8(i>>7)
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			b.Fatal(err)
		}
		j := testimg.InsertAfterSOI(buf.Bytes(), testimg.ExifAPP1(personalEXIF(6)), testimg.Seg(0xE1, jpegseg.XMP, bytes.Repeat([]byte("<x/>"), 2000)))
		jpeg12MPData = append(j, bytes.Repeat([]byte("trailer!"), 1<<16)...)
	})
	return jpeg12MPData
}

func BenchmarkCleanJPEG12MP(b *testing.B) {
	in := jpeg12MP(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Clean(in, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyJPEG12MP(b *testing.B) {
	res, err := Clean(jpeg12MP(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(res.Data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := Verify(res.Data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlocksJPEG12MP(b *testing.B) {
	in := jpeg12MP(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := Blocks(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCleanHEIC cleans the corpus's iPhone HEIC (grid of tiles, gain
// map, thumbnail, Exif and XMP): the lossless rebuild plus verification, in
// both modes (LocationOnly also rewrites and checks the kept Exif item).
func BenchmarkCleanHEIC(b *testing.B) {
	in, err := os.ReadFile(filepath.Join(sharedDir(b, "fixtures/metadata"), "exif-samples/heic/mobile/iphone_13_pro_max.HEIC"))
	if err != nil {
		b.Skipf("corpus HEIC not readable: %v", err)
	}
	for _, bm := range []struct {
		name string
		mode Mode
	}{{"All", All}, {"LocationOnly", LocationOnly}} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				res, err := Clean(in, Options{Mode: bm.mode})
				if err != nil || !res.Lossless {
					b.Fatalf("Clean: %v", err)
				}
			}
		})
	}
}
