package outfile

import (
	"errors"
	"hash/maphash"
	"io"
	"os"
	"syscall"
	"unsafe"
)

// readBlock is the read-back's read size: large reads keep a gigabyte's
// read-back to a few hundred system calls. It is a multiple of every
// storage block size, as reads that bypass the cache need.
const readBlock = 4 << 20

// directAlign is the alignment of reads that bypass the system's cache
// (offset, length and buffer address).
const directAlign = 4096

// readBack reads a written file back from storage, once, front to back,
// hashing it on the way: it serves a check's reads (an io.ReaderAt over the
// first size bytes) from the blocks it reads, and hashes each block the
// first time it is read in order; finish reads and hashes whatever the
// check did not. A check that reads the file front to back (the video
// verifier does) thus costs no second read.
//
// Where the system allows (Linux), the reads bypass the cache (O_DIRECT):
// they come from the storage itself rather than from the pages this
// process just wrote, and cost a tenth of the CPU of cached reads.
type readBack struct {
	f      *os.File
	size   int64
	h      maphash.Hash
	hashed int64 // bytes hashed so far, from the start
	buf    []byte
	start  int64 // file offset of buf[:n]
	n      int
	direct bool
	err    error
}

func newReadBack(f *os.File, size int64, seed maphash.Seed) *readBack {
	rb := &readBack{f: f, size: size, start: -1}
	rb.h.SetSeed(seed)
	raw := make([]byte, readBlock+directAlign)
	skip := int(-uintptr(unsafe.Pointer(&raw[0])) & (directAlign - 1))
	rb.buf = raw[skip : skip+readBlock : skip+readBlock]
	rb.direct = setDirect(f, true)
	return rb
}

// close turns the file back to cached reads.
func (rb *readBack) close() {
	if rb.direct {
		setDirect(rb.f, false)
	}
}

// block makes the block holding off current, reading it if need be.
func (rb *readBack) block(off int64) error {
	start := off - off%readBlock
	if start == rb.start {
		return nil
	}
	rb.start, rb.n = -1, 0
	k, err := rb.f.ReadAt(rb.buf, start)
	if rb.direct && errors.Is(err, syscall.EINVAL) {
		// The file system took O_DIRECT but cannot read so: read cached
		// (the caller dropped the cached pages first).
		rb.close()
		rb.direct = false
		k, err = rb.f.ReadAt(rb.buf, start)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if start+int64(k) > rb.size {
		return errors.New("the file is longer than what was written")
	}
	if k < readBlock && start+int64(k) < rb.size {
		return errors.New("the file is shorter than its size")
	}
	rb.start, rb.n = start, k
	if start == rb.hashed {
		rb.h.Write(rb.buf[:k])
		rb.hashed += int64(k)
	}
	return nil
}

// ReadAt reads from the written file as the storage returns it.
func (rb *readBack) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if rb.err != nil {
		return 0, rb.err
	}
	done := 0
	for done < len(p) {
		at := off + int64(done)
		if at >= rb.size {
			return done, io.EOF
		}
		if err := rb.block(at); err != nil {
			rb.err = err
			return done, err
		}
		done += copy(p[done:], rb.buf[at-rb.start:rb.n])
	}
	return done, nil
}

// finish reads and hashes what the check left unread and returns the hash
// of the whole file.
func (rb *readBack) finish() (uint64, error) {
	if rb.err != nil {
		return 0, rb.err
	}
	for rb.hashed < rb.size {
		rb.start = -1 // read the block at hashed, even if it is current
		if err := rb.block(rb.hashed); err != nil {
			return 0, err
		}
	}
	// Nothing may follow the size written (block saw any excess in a
	// partial last block).
	if rb.size%readBlock == 0 {
		if k, _ := rb.f.ReadAt(rb.buf[:directAlign], rb.size); k > 0 {
			return 0, errors.New("the file is longer than what was written")
		}
	}
	return rb.h.Sum64(), nil
}
