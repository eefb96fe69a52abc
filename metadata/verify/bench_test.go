package verify_test

import (
	"testing"

	"codeberg.org/veil/veil/internal/testimg"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/clean"
	"codeberg.org/veil/veil/metadata/verify"
)

func BenchmarkVerifyJPEG12MP(b *testing.B) {
	res, err := clean.File(testimg.CameraJPEG(b), metadata.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(res.Data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := verify.File(res.Data, metadata.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
