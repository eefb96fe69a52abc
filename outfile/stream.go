package outfile

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
)

// Stream is an output too large to hold in memory (a video) on its way to
// its name. It keeps WriteChecked's promises: the data goes to a temporary
// file in the output's folder (unnamed where the system allows), is made
// durable and read back from storage, and passes the caller's check before
// it gets its name; otherwise nothing appears under the name.
//
// Veil's own bytes go through Write and are hashed on the way, so the
// read-back compares digests. A program that writes the output itself
// (FFmpeg, through a descriptor it inherits) uses File; then only the
// caller's check vouches for the content, read back from storage.
type Stream struct {
	t         *tempFile
	h         hash.Hash
	external  bool
	committed bool
	discarded bool
}

// Create opens a temporary file for path under the rules of WriteChecked
// (never the input, never over an existing file unless opt.Replace).
// The caller must call Commit or Discard; deferring Discard is always safe.
func Create(path string, opt Options) (*Stream, error) {
	t, err := create(path, opt)
	if err != nil {
		return nil, err
	}
	return &Stream{t: t, h: sha256.New()}, nil
}

// Write appends p to the output.
func (s *Stream) Write(p []byte) (int, error) {
	if s.committed || s.discarded {
		return 0, os.ErrClosed
	}
	n, err := s.t.Write(p)
	s.h.Write(p[:n])
	return n, err
}

// File returns the temporary file itself, for a program that writes the
// output on its own. Its bytes are then vouched for by Commit's check only.
func (s *Stream) File() *os.File {
	s.external = true
	return s.t.File
}

// Sync makes what was written so far durable and asks the system to drop
// it from its cache, so that a verification before Commit reads what the
// storage holds. Commit syncs again in any case.
func (s *Stream) Sync() error {
	if s.committed || s.discarded {
		return os.ErrClosed
	}
	if err := s.t.sync(); err != nil {
		return err
	}
	st, err := s.t.Stat()
	if err != nil {
		return err
	}
	dropCache(s.t.File, st.Size())
	return nil
}

// Commit makes the output durable, reads all of it back from storage
// (comparing it with what went through Write), runs check on it and only
// then gives it its name. check reads the file (it may use ReadAt, Stat,
// or hand it to another program); it must not write to it.
//
// Errors from a failed read-back or check wrap [ErrNotVerified], and the
// temporary file is removed; the check's own error is wrapped too.
func (s *Stream) Commit(check func(f *os.File) error) error {
	if s.committed || s.discarded {
		return os.ErrClosed
	}
	defer s.Discard()
	if err := s.t.sync(); err != nil {
		return err
	}
	st, err := s.t.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	if !s.external && size != s.t.n {
		return fmt.Errorf("%w: the file is %d bytes, %d were written", ErrNotVerified, size, s.t.n)
	}
	dropCache(s.t.File, size)
	if testBeforeReadBack != nil {
		testBeforeReadBack(s.t.File)
	}
	sum, err := digest(s.t.File, size)
	switch {
	case err != nil:
		return fmt.Errorf("%w: reading it back: %w", ErrNotVerified, err)
	case !s.external && !bytes.Equal(sum, s.h.Sum(nil)):
		return fmt.Errorf("%w: %w", ErrNotVerified, ErrReadBack)
	}
	if check != nil {
		if err := check(s.t.File); err != nil {
			return fmt.Errorf("%w: %w", ErrNotVerified, err)
		}
	}
	if err := s.t.commit(); err != nil {
		return err
	}
	s.committed = true
	return nil
}

// Discard removes the temporary file (an unnamed one vanishes with its
// descriptor). After Commit it only tidies up. It may be called any number
// of times.
func (s *Stream) Discard() {
	if s.discarded {
		return
	}
	s.discarded = true
	s.t.discard()
}

// digest reads the first size bytes of f from the start, in bounded memory,
// and returns their SHA-256; the file must be exactly that long.
func digest(f *os.File, size int64) ([]byte, error) {
	h := sha256.New()
	n, err := io.Copy(h, io.NewSectionReader(f, 0, size))
	if err != nil {
		return nil, err
	}
	if n != size {
		return nil, errors.New("the file is shorter than its size")
	}
	var one [1]byte
	if k, _ := f.ReadAt(one[:], size); k > 0 {
		return nil, errors.New("the file is longer than what was written")
	}
	return h.Sum(nil), nil
}
