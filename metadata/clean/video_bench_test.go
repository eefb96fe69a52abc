package clean

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"codeberg.org/veil/veil/internal/mp4/mp4test"
	"codeberg.org/veil/veil/metadata"
)

// BenchmarkVideoClean cleans a movie through Video (written, read back,
// verified): VEIL_BENCH_VIDEO names one (a 1 GB file, say), else a
// synthetic phone movie of 20000 samples is used.
func BenchmarkVideoClean(b *testing.B) {
	in := os.Getenv("VEIL_BENCH_VIDEO")
	if in == "" {
		m := mp4test.Phone()
		frame := m.Video
		for len(m.Video) < 10000 {
			m.Video = append(m.Video, frame...)
			m.Audio = append(m.Audio, m.Audio[:5]...)
		}
		in = filepath.Join(b.TempDir(), "in.mov")
		if err := os.WriteFile(in, mp4test.Build(m), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	st, err := os.Stat(in)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	dir := b.TempDir()
	for i := 0; b.Loop(); i++ {
		out := filepath.Join(dir, "out.mov")
		if _, err := Video(context.Background(), in, out, metadata.Options{}, nil); err != nil {
			b.Fatal(err)
		}
		os.Remove(out)
	}
}
