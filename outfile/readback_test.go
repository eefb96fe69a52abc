package outfile

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestCommitRead: the check reads the output through the read-back (in
// order, out of order, or not at all, on sizes around the read block), sees
// exactly what was written, and the output is named; a byte changed on
// storage, a failed check or a file longer than written leave nothing.
func TestCommitRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 3*readBlock+777)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	sizes := []int{0, 1, 4095, readBlock, readBlock + 1, 2 * readBlock, len(data)}
	reads := map[string]func(r io.ReaderAt, size int64) ([]byte, error){
		"in order": func(r io.ReaderAt, size int64) ([]byte, error) {
			return io.ReadAll(io.NewSectionReader(r, 0, size))
		},
		"backwards": func(r io.ReaderAt, size int64) ([]byte, error) {
			out := make([]byte, size)
			for end := size; end > 0; end -= 100_000 {
				start := max(0, end-100_000)
				if _, err := r.ReadAt(out[start:end], start); err != nil {
					return nil, err
				}
			}
			return out, nil
		},
		"not at all": func(io.ReaderAt, int64) ([]byte, error) { return nil, nil },
	}
	both(t, func(t *testing.T) {
		dir := t.TempDir()
		for _, n := range sizes {
			for name, read := range reads {
				p := filepath.Join(dir, "v.mp4")
				os.Remove(p)
				want := data[:n]
				s, err := Create(p, Options{})
				if err != nil {
					t.Fatal(err)
				}
				for i := 0; i < n; i += 300_001 {
					s.Write(want[i:min(n, i+300_001)])
				}
				var seen []byte
				err = s.CommitRead(func(r io.ReaderAt, size int64) error {
					if size != int64(n) {
						t.Errorf("%d bytes, %s: size %d", n, name, size)
					}
					seen, err = read(r, size)
					return err
				})
				if err != nil {
					t.Fatalf("%d bytes, %s: %v", n, name, err)
				}
				if seen != nil && !bytes.Equal(seen, want) {
					t.Errorf("%d bytes, %s: the check did not see what was written", n, name)
				}
				if got, _ := os.ReadFile(p); !bytes.Equal(got, want) {
					t.Errorf("%d bytes, %s: the named file differs", n, name)
				}
			}
		}

		p := filepath.Join(dir, "bad.mp4")
		for _, at := range []int64{5, readBlock + 9, int64(len(data)) - 1} {
			testBeforeReadBack = func(f *os.File) { f.WriteAt([]byte{^data[at]}, at) }
			s, _ := Create(p, Options{})
			s.Write(data)
			err := s.CommitRead(func(io.ReaderAt, int64) error { return nil })
			testBeforeReadBack = nil
			if !errors.Is(err, ErrReadBack) || !errors.Is(err, ErrNotVerified) {
				t.Errorf("byte %d changed: err = %v", at, err)
			}
		}
		testBeforeReadBack = func(f *os.File) { f.WriteAt([]byte("more"), int64(len(data))) }
		s, _ := Create(p, Options{})
		s.Write(data)
		err := s.CommitRead(func(r io.ReaderAt, size int64) error { return nil })
		testBeforeReadBack = nil
		if !errors.Is(err, ErrNotVerified) {
			t.Errorf("longer file: err = %v", err)
		}
		bad := errors.New("SEI in sample 7")
		s, _ = Create(p, Options{})
		s.Write(data[:1000])
		if err := s.CommitRead(func(io.ReaderAt, int64) error { return bad }); !errors.Is(err, bad) || !errors.Is(err, ErrNotVerified) {
			t.Errorf("failed check: err = %v", err)
		}
		if names := entries(t, dir); len(names) != 1 {
			t.Fatalf("folder holds %v", names)
		}
	})
}
