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
// process just wrote, and cost a tenth of the CPU of cached reads. Such
// reads get no read-ahead from the system, so the next block is read in
// the background while the check works on the current one.
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

	// spare receives the background read of the block at aheadAt, whose
	// result comes on ahead (nil when no read runs).
	spare   []byte
	ahead   chan fetched
	aheadAt int64
}

// fetched is a background read's result.
type fetched struct {
	n   int
	err error
}

func newReadBack(f *os.File, size int64, seed maphash.Seed) *readBack {
	rb := &readBack{f: f, size: size, start: -1}
	rb.h.SetSeed(seed)
	rb.buf, rb.spare = alignedBlock(), alignedBlock()
	rb.direct = setDirect(f, true)
	return rb
}

// alignedBlock is a readBlock buffer aligned as reads bypassing the cache need.
func alignedBlock() []byte {
	raw := make([]byte, readBlock+directAlign)
	skip := int(-uintptr(unsafe.Pointer(&raw[0])) & (directAlign - 1))
	return raw[skip : skip+readBlock : skip+readBlock]
}

// close waits for a background read and turns the file back to cached
// reads.
func (rb *readBack) close() {
	rb.wait()
	if rb.direct {
		setDirect(rb.f, false)
	}
}

// readAhead starts reading the block at off into spare in the background.
func (rb *readBack) readAhead(off int64) {
	done := make(chan fetched, 1)
	rb.ahead, rb.aheadAt = done, off
	f, buf := rb.f, rb.spare
	go func() {
		k, err := f.ReadAt(buf, off)
		done <- fetched{k, err}
	}()
}

// wait ends a background read: it returns its offset and result, and ok
// when one ran. spare is free again after it.
func (rb *readBack) wait() (off int64, r fetched, ok bool) {
	if rb.ahead == nil {
		return 0, fetched{}, false
	}
	r = <-rb.ahead
	rb.ahead = nil
	return rb.aheadAt, r, true
}

// block makes the block holding off current, reading it if need be.
func (rb *readBack) block(off int64) error {
	start := off - off%readBlock
	if start == rb.start {
		return nil
	}
	rb.start, rb.n = -1, 0
	var k int
	var err error
	if at, r, ok := rb.wait(); ok && at == start && !(rb.direct && errors.Is(r.err, syscall.EINVAL)) {
		rb.buf, rb.spare = rb.spare, rb.buf
		k, err = r.n, r.err
	} else {
		k, err = rb.f.ReadAt(rb.buf, start)
	}
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
	if next := start + readBlock; next < rb.size {
		rb.readAhead(next)
	}
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
		rb.wait()
		if k, _ := rb.f.ReadAt(rb.spare[:directAlign], rb.size); k > 0 {
			return 0, errors.New("the file is longer than what was written")
		}
	}
	return rb.h.Sum64(), nil
}
