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

// BenchmarkVideoCleanLarge cleans a synthetic movie of about 190 MB built
// in the test (no shared files): 3000 H.264 samples of 64 KiB, every 30th
// with an SEI unit to take out, interleaved with AAC-sized audio samples.
// It measures the whole of Video: plan, copy, sync, read-back from storage
// and the independent verifier. Compare runs with benchstat.
func BenchmarkVideoCleanLarge(b *testing.B) {
	const frames, frameSize = 3000, 64 << 10
	slice := make([]byte, frameSize)
	for i := range slice {
		slice[i] = byte(i*7 + i>>8)
	}
	slice[0] = 0x65
	sei := append([]byte{0x06, 0x05, 0x10}, "SEI-CAMERA-SERIAL-0042"...)
	m := mp4test.Movie{PerChunk: 10}
	for i := 0; i < frames; i++ {
		nals := [][]byte{slice}
		if i%30 == 0 {
			nals = [][]byte{sei, slice}
		}
		m.Video = append(m.Video, nals)
		m.Audio = append(m.Audio, slice[1:400])
	}
	in := filepath.Join(b.TempDir(), "in.mp4")
	data := mp4test.Build(m)
	if err := os.WriteFile(in, data, 0o644); err != nil {
		b.Fatal(err)
	}
	size := int64(len(data))
	b.SetBytes(size)
	data = nil
	dir := b.TempDir()
	for b.Loop() {
		out := filepath.Join(dir, "out.mp4")
		res, err := Video(context.Background(), in, out, metadata.Options{}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if want := size - frames/30*(4+25); res.Bytes > want {
			b.Fatalf("cleaned copy of %d bytes, want at most %d: the SEI units were not taken out", res.Bytes, want)
		}
		os.Remove(out)
	}
}
