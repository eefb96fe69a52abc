package bmff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// errShortBox is the error of a box whose fields run past its end.
var errShortBox = errors.New("short box")

// reader reads big-endian fields from a box payload, remembering the first
// overrun instead of panicking: after it, every field reads as zero.
type reader struct {
	b   []byte
	i   int
	err error
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b)-r.i {
		if r.err == nil {
			r.err = errShortBox
		}
		return make([]byte, max(n, 0))
	}
	p := r.b[r.i : r.i+n]
	r.i += n
	return p
}

func (r *reader) skip(n int)  { r.bytes(n) }
func (r *reader) u8() byte    { return r.bytes(1)[0] }
func (r *reader) u16() uint16 { return binary.BigEndian.Uint16(r.bytes(2)) }
func (r *reader) u32() uint32 { return binary.BigEndian.Uint32(r.bytes(4)) }

// full reads a full box's version and 24-bit flags.
func (r *reader) full() (uint8, uint32) {
	v := r.u8()
	return v, uint32(r.u8())<<16 | uint32(r.u16())
}

// id reads an item ID: 32 bits when wide, else 16.
func (r *reader) id(wide bool) uint32 {
	if wide {
		return r.u32()
	}
	return uint32(r.u16())
}

// uintN reads an n-byte unsigned integer (n is 0, 4 or 8 in iloc).
func (r *reader) uintN(n int) uint64 {
	switch n {
	case 0:
		return 0
	case 4:
		return uint64(r.u32())
	case 8:
		return binary.BigEndian.Uint64(r.bytes(8))
	}
	if r.err == nil {
		r.err = fmt.Errorf("bad iloc field size %d", n)
	}
	return 0
}

// cstring reads a NUL-terminated string; a missing NUL ends it at the end
// of the payload.
func (r *reader) cstring() string {
	if r.err != nil {
		return ""
	}
	k := bytes.IndexByte(r.b[r.i:], 0)
	if k < 0 {
		s := string(r.b[r.i:])
		r.i = len(r.b)
		return s
	}
	s := string(r.b[r.i : r.i+k])
	r.i += k + 1
	return s
}

// exact reports whether every byte was read and none was missing.
func (r *reader) exact() bool { return r.err == nil && r.i == len(r.b) }
