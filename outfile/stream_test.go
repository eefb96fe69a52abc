package outfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestStreamWritesInPieces: a stream written in many pieces is named only
// after the check saw all of it, and nothing else is left in the folder.
func TestStreamWritesInPieces(t *testing.T) {
	both(t, func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "v.mp4")
		s, err := Create(p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Discard()
		var want []byte
		for i := range 100 {
			piece := bytes.Repeat([]byte{byte(i)}, 1000+i)
			want = append(want, piece...)
			if _, err := s.Write(piece); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := os.Lstat(p); err == nil {
			t.Fatal("named before Commit")
		}
		var seen []byte
		err = s.Commit(func(f *os.File) error {
			b, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<30))
			seen = b
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(seen, want) {
			t.Error("the check did not see what was written")
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, want) {
			t.Error("the named file differs from what was written")
		}
		if names := entries(t, dir); len(names) != 1 {
			t.Fatalf("folder holds %v", names)
		}
		if _, err := s.Write([]byte("x")); err == nil {
			t.Error("write after Commit accepted")
		}
	})
}

// TestStreamFailures: a failed check, bytes that changed on the way, and a
// discarded (cancelled) stream all leave nothing behind.
func TestStreamFailures(t *testing.T) {
	both(t, func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "v.mp4")
		bad := errors.New("a face is still visible")

		s, _ := Create(p, Options{})
		s.Write([]byte("frames"))
		if err := s.Commit(func(*os.File) error { return bad }); !errors.Is(err, ErrNotVerified) || !errors.Is(err, bad) {
			t.Errorf("failed check: err = %v", err)
		}

		testBeforeReadBack = func(f *os.File) { f.WriteAt([]byte("X"), 2) }
		s, _ = Create(p, Options{})
		s.Write([]byte("frames"))
		checked := false
		err := s.Commit(func(*os.File) error { checked = true; return nil })
		testBeforeReadBack = nil
		if !errors.Is(err, ErrReadBack) || checked {
			t.Errorf("changed bytes: err = %v, checked %v", err, checked)
		}

		s, _ = Create(p, Options{})
		s.Write([]byte("half a video"))
		s.Discard()
		s.Discard()
		if err := s.Commit(nil); err == nil {
			t.Error("Commit after Discard succeeded")
		}
		if names := entries(t, dir); len(names) != 0 {
			t.Fatalf("folder holds %v", names)
		}
	})
}

// TestStreamExternalWriter: another program's bytes, written through the
// file itself, are named after the check; the stream refuses an existing
// name and the input.
func TestStreamExternalWriter(t *testing.T) {
	both(t, func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "v.mp4")
		s, err := Create(p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.File().WriteAt([]byte("encoded"), 0); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(p); string(got) != "encoded" {
			t.Fatalf("output holds %q", got)
		}
		if _, err := Create(p, Options{}); !errors.Is(err, ErrExists) {
			t.Errorf("existing name: err = %v", err)
		}
		if _, err := Create(p, Options{Replace: true, Input: p}); !errors.Is(err, ErrSameAsInput) {
			t.Errorf("input: err = %v", err)
		}
	})
}
