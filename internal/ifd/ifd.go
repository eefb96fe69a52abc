// Package ifd reads TIFF structures: the image file directories (IFDs) of a
// TIFF file, of an EXIF block (which is a TIFF structure), of an MPF index or
// of a camera MakerNote. It is the one IFD reader of Veil, with one set of
// limits, and it names the tags the rest of the code refers to (consts.go).
//
// Everything it reads is hostile: offsets and counts are checked against the
// structure before any slice is taken, an IFD may hold at most MaxEntries
// entries, and values are returned as sub-slices of the input, never copied.
package ifd

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Limits that keep a walk over a hostile structure bounded.
const (
	// MaxEntries bounds the entries of one IFD; real files have a few
	// hundred at most.
	MaxEntries = 4096
	// MaxIFDs bounds the IFDs a walker visits in one structure (pages,
	// sub-IFDs, thumbnails), so that a loop of pointers ends.
	MaxIFDs = 64
)

// TypeSize returns the size in bytes of one value of field type typ, or 0
// for an unknown type.
func TypeSize(typ uint16) int {
	switch typ {
	case Byte, ASCII, SByte, Undefined:
		return 1
	case Short, SShort:
		return 2
	case Long, SLong, Float, IFDType:
		return 4
	case Rational, SRational, Double, Long8, SLong8, IFD8:
		return 8
	}
	return 0
}

// TIFF is a TIFF structure with its byte order. Offsets inside it are
// relative to its first byte.
type TIFF struct {
	B     []byte
	Order binary.ByteOrder
	// min is the lowest offset at which an IFD may start: 8 after a TIFF
	// header; 0 in a MakerNote, whose IFD starts near its own beginning.
	min uint32
}

// Parse checks the TIFF header at the start of b ("II*\0" or "MM\0*").
func Parse(b []byte) (*TIFF, error) {
	if len(b) < 8 {
		return nil, errors.New("truncated TIFF header")
	}
	var bo binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return nil, errors.New("bad TIFF byte order mark")
	}
	if m := bo.Uint16(b[2:]); m != 42 {
		if m == 43 {
			return nil, errors.New("BigTIFF is not supported")
		}
		return nil, fmt.Errorf("bad TIFF magic number %d", m)
	}
	return &TIFF{B: b, Order: bo, min: 8}, nil
}

// Headerless returns the TIFF structure b without a header of its own, in
// byte order bo: a MakerNote whose IFD offsets count from its first byte.
func Headerless(b []byte, bo binary.ByteOrder) *TIFF {
	return &TIFF{B: b, Order: bo}
}

// First returns the offset of IFD0 (0 for a headerless structure).
func (t *TIFF) First() uint32 {
	if t.min == 0 || len(t.B) < 8 {
		return 0
	}
	return t.Order.Uint32(t.B[4:])
}

// Entry is one 12-byte IFD entry.
type Entry struct {
	Tag, Type uint16
	Count     uint32
	// Value holds the entry's value bytes, inline or out of line: a
	// sub-slice of the structure, or nil when the value lies outside it or
	// the type is unknown.
	Value []byte
	// At is the offset of Value in the structure (-1 when Value is nil).
	At int
}

// IFD reads the directory at off. It returns its entries and the offset of
// the next IFD in the chain (0 at the end). A directory that runs past the
// end of the structure returns the entries that fit with an error, so a
// report can still show them.
func (t *TIFF) IFD(off uint32) ([]Entry, uint32, error) {
	if off < t.min || int64(off)+2 > int64(len(t.B)) {
		return nil, 0, fmt.Errorf("directory offset %d outside the data", off)
	}
	n := int(t.Order.Uint16(t.B[off:]))
	if n > MaxEntries {
		return nil, 0, fmt.Errorf("directory claims %d entries", n)
	}
	p := int(off) + 2
	var err error
	if p+12*n > len(t.B) {
		err = fmt.Errorf("directory at %d truncated (%d entries claimed)", off, n)
		n = (len(t.B) - p) / 12
	}
	es := make([]Entry, n)
	for i := range es {
		es[i] = t.entry(p + 12*i)
	}
	var next uint32
	if q := p + 12*n; err == nil && q+4 <= len(t.B) {
		next = t.Order.Uint32(t.B[q:])
	}
	return es, next, err
}

// entry decodes the 12-byte entry at p.
func (t *TIFF) entry(p int) Entry {
	e := t.B[p : p+12]
	en := Entry{Tag: t.Order.Uint16(e), Type: t.Order.Uint16(e[2:]), Count: t.Order.Uint32(e[4:]), At: -1}
	size := int64(TypeSize(en.Type)) * int64(en.Count)
	switch {
	case size == 0 && TypeSize(en.Type) == 0:
	case size <= 4:
		en.Value, en.At = e[8:8+size], p+8
	default:
		if vo := int64(t.Order.Uint32(e[8:])); vo+size <= int64(len(t.B)) {
			en.Value, en.At = t.B[vo:vo+size], int(vo)
		}
	}
	return en
}

// Uints returns up to max of the entry's values as unsigned integers, for
// the integer types (BYTE, SHORT, LONG, their signed forms and IFD).
func (t *TIFF) Uints(e Entry, max int) []uint64 {
	var out []uint64
	sz := TypeSize(e.Type)
	for i := 0; sz > 0 && (i+1)*sz <= len(e.Value) && len(out) < max; i++ {
		v := e.Value[i*sz:]
		switch e.Type {
		case Byte, SByte, Undefined:
			out = append(out, uint64(v[0]))
		case Short, SShort:
			out = append(out, uint64(t.Order.Uint16(v)))
		case Long, SLong, IFDType:
			out = append(out, uint64(t.Order.Uint32(v)))
		default:
			return out
		}
	}
	return out
}

// Floats returns up to max of the entry's values as numbers, rationals
// divided out.
func (t *TIFF) Floats(e Entry, max int) []float64 {
	var out []float64
	v := e.Value
	switch e.Type {
	case Rational, SRational:
		for i := 0; (i+1)*8 <= len(v) && len(out) < max; i++ {
			n, d := t.Order.Uint32(v[i*8:]), t.Order.Uint32(v[i*8+4:])
			if e.Type == SRational {
				out = append(out, float64(int32(n))/float64(int32(d)))
			} else {
				out = append(out, float64(n)/float64(d))
			}
		}
	case Float:
		for i := 0; (i+1)*4 <= len(v) && len(out) < max; i++ {
			out = append(out, float64(math.Float32frombits(t.Order.Uint32(v[i*4:]))))
		}
	case Double:
		for i := 0; (i+1)*8 <= len(v) && len(out) < max; i++ {
			out = append(out, math.Float64frombits(t.Order.Uint64(v[i*8:])))
		}
	default:
		for _, u := range t.Uints(e, max) {
			out = append(out, float64(u))
		}
	}
	return out
}

// Pointers returns the IFD offsets of a pointer tag (ExifIFD, GPSIFD,
// SubIFDs, ...): its LONG or IFD values, at most MaxIFDs of them. Other types
// give none, so a pointer written as a SHORT is not followed.
func (t *TIFF) Pointers(e Entry) []uint32 {
	if e.Type != Long && e.Type != IFDType {
		return nil
	}
	var out []uint32
	for k := 0; k+4 <= len(e.Value) && len(out) < MaxIFDs; k += 4 {
		out = append(out, t.Order.Uint32(e.Value[k:]))
	}
	return out
}

// Find returns the first entry with tag in es.
func Find(es []Entry, tag uint16) (Entry, bool) {
	for _, e := range es {
		if e.Tag == tag {
			return e, true
		}
	}
	return Entry{}, false
}
