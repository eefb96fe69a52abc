package inspect

import (
	"testing"

	"codeberg.org/veil/veil/internal/testimg"
)

func BenchmarkBlocksJPEG12MP(b *testing.B) {
	in := testimg.CameraJPEG(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := listBlocks(in); err != nil {
			b.Fatal(err)
		}
	}
}
