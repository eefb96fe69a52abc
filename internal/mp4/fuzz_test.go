package mp4

import (
	"bytes"
	"testing"

	"codeberg.org/veil/veil/internal/mp4/mp4test"
	"codeberg.org/veil/veil/internal/testenv"
)

func seedMovies(f *testing.F) {
	full := mp4test.Phone()
	f.Add(mp4test.Build(full))
	full.MdatFirst, full.PerChunk = true, 1
	f.Add(mp4test.Build(full))
	f.Add(mp4test.Build(mp4test.Movie{Video: full.Video}))
	for _, p := range testenv.FilesIfPresent("fixtures/video") {
		if b, err := readSmall(p); err == nil {
			f.Add(b)
		}
	}
}

// FuzzOpen walks arbitrary movies: Open, every track's sample table,
// rotation and size, and the container sniffing must return, never panic.
func FuzzOpen(f *testing.F) {
	seedMovies(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		OtherContainer(r, int64(len(b)))
		if _, err := TopLevel(r, int64(len(b))); err != nil {
			return
		}
		m, err := Open(r, int64(len(b)))
		if err != nil {
			return
		}
		for _, tr := range m.Tracks {
			tr.Rotation()
			tr.Size()
			if s, err := tr.Samples(int64(len(b))); err == nil {
				for _, c := range s.Chunks {
					if c.Offset < 0 || c.Offset+c.Bytes > int64(len(b)) {
						t.Fatalf("chunk %+v outside the file of %d bytes", c, len(b))
					}
				}
				_ = s.Bytes()
			}
		}
	})
}
