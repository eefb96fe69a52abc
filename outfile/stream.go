package outfile

import (
	"errors"
	"fmt"
	"hash/maphash"
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
// read-back compares digests. The digest is a 64-bit keyed hash
// ([maphash], with a seed drawn afresh for each Stream): it guards against
// storage that returns other bytes than it was given, which is no adversary
// and cannot know the seed, so a chance match is 1 in 2^64; a cryptographic
// hash would cost ten times as much CPU on a gigabyte of video (measured:
// SHA-256 ≈ 0.5–1.5 GB/s here, maphash ≈ 5 GB/s). A program that writes the output itself
// (FFmpeg, through a descriptor it inherits) uses File; then only the
// caller's check vouches for the content, read back from storage.
type Stream struct {
	t         *tempFile
	seed      maphash.Seed
	h         maphash.Hash
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
	s := &Stream{t: t, seed: maphash.MakeSeed()}
	s.h.SetSeed(s.seed)
	return s, nil
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
	return s.commit(func(rb *readBack) error {
		if _, err := rb.finish(); err != nil {
			return err
		}
		if err := s.compare(rb); err != nil {
			return err
		}
		rb.close()
		if check != nil {
			if err := check(s.t.File); err != nil {
				return fmt.Errorf("%w: %w", ErrNotVerified, err)
			}
		}
		return nil
	})
}

// CommitRead is Commit for a check that reads the output through r (size
// bytes, as read back from storage) rather than through the file: the
// read-back serves the check's reads and hashes them on the way, so a
// check that reads front to back (as the video verifier does) needs no
// second read of the file. What the check leaves unread is read after it;
// the output gets its name only when the check passed and every byte read
// back matches what went through Write.
func (s *Stream) CommitRead(check func(r io.ReaderAt, size int64) error) error {
	return s.commit(func(rb *readBack) error {
		if err := check(rb, rb.size); err != nil {
			if _, ferr := rb.finish(); ferr == nil && s.compare(rb) != nil {
				return fmt.Errorf("%w: %w", ErrNotVerified, ErrReadBack)
			}
			return fmt.Errorf("%w: %w", ErrNotVerified, err)
		}
		if _, err := rb.finish(); err != nil {
			return fmt.Errorf("%w: reading it back: %w", ErrNotVerified, err)
		}
		return s.compare(rb)
	})
}

// compare checks the read-back's hash against what went through Write.
func (s *Stream) compare(rb *readBack) error {
	if !s.external && rb.h.Sum64() != s.h.Sum64() {
		return fmt.Errorf("%w: %w", ErrNotVerified, ErrReadBack)
	}
	return nil
}

// commit syncs the output, reads it back through verify and names it.
func (s *Stream) commit(verify func(rb *readBack) error) error {
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
	rb := newReadBack(s.t.File, size, s.seed)
	err = verify(rb)
	rb.close()
	if err != nil {
		if !errors.Is(err, ErrNotVerified) {
			err = fmt.Errorf("%w: reading it back: %w", ErrNotVerified, err)
		}
		return err
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
