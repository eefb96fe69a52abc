package clean

import (
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/internal/testimg"
	"codeberg.org/veil/veil/metadata"
)

func BenchmarkCleanJPEG12MP(b *testing.B) {
	in := testimg.CameraJPEG(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := File(in, metadata.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCleanHEIC cleans the corpus's iPhone HEIC (grid of tiles, gain
// map, thumbnail, Exif and XMP): the lossless rebuild plus verification, in
// both modes (LocationOnly also rewrites and checks the kept Exif item).
func BenchmarkCleanHEIC(b *testing.B) {
	in := testenv.ReadShared(b, testenv.IPhoneHEIC)
	for _, bm := range []struct {
		name string
		mode metadata.Mode
	}{{"All", metadata.All}, {"LocationOnly", metadata.LocationOnly}} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				res, err := File(in, metadata.Options{Mode: bm.mode})
				if err != nil || !res.Lossless {
					b.Fatalf("File: %v", err)
				}
			}
		})
	}
}
