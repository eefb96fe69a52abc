// Package bmff reads ISO base media file format boxes (ISO/IEC 14496-12)
// and the HEIF item model built from them (ISO/IEC 23008-12): item
// information (iinf, infe), locations (iloc), references (iref), the primary
// item (pitm) and property associations (ipco, ipma).
//
// It is made of three layers, so that each reader keeps its own rules:
//   - ParseHeader reads one box header from a few bytes. It needs nothing
//     else, so a streaming walker over an io.ReaderAt (for multi-gigabyte
//     video files) can share it with Walk, which splits a box sequence held
//     in memory.
//   - One parser per box (ParsePitm, ParseIinf, ParseInfe, ParseIref,
//     ParseIloc, ParseIpma) decodes the box into a record that keeps what
//     the box says, versions, sizes and trailing bytes included, and judges
//     nothing: a strict rewriter and an independent verifier apply their
//     own rules to the same records.
//   - ParseHEIF builds the lenient item model a report needs (every item
//     with its data extents, references and properties) from those parsers.
//
// Files are hostile: every size is checked against the data before slicing,
// and the number of boxes, items, extents and associations is bounded.
package bmff

import (
	"encoding/binary"
	"errors"
	"fmt"

	"codeberg.org/veil/veil/internal/printable"
)

// MaxBoxes bounds the boxes one walk returns.
const MaxBoxes = 1 << 18

// ErrTooMany is returned when a walk meets more than MaxBoxes boxes.
var ErrTooMany = errors.New("too many structural blocks")

// errShort is the error of a header cut short.
var errShort = errors.New("box header cut short")

// Header is a box header.
type Header struct {
	Type string
	// Size is the whole box's size (largesize resolved); 0 without a
	// largesize means the box runs to the end of its container.
	Size uint64
	// Len is the length of the header: 8, or 16 with a largesize, plus 16
	// for the extended type of a "uuid" box.
	Len int
	// Large is set when the size was stored as a 64-bit largesize.
	Large bool
}

// ParseHeader reads the box header at the start of p, which must hold at
// least 8 bytes (16 for a box with a largesize). It checks nothing against
// the container: that is the walker's business.
func ParseHeader(p []byte) (Header, error) {
	if len(p) < 8 {
		return Header{}, errShort
	}
	h := Header{Type: string(p[4:8]), Size: uint64(binary.BigEndian.Uint32(p)), Len: 8}
	if h.Size == 1 {
		if len(p) < 16 {
			return h, errShort
		}
		h.Size, h.Len, h.Large = binary.BigEndian.Uint64(p[8:]), 16, true
	}
	if h.Type == "uuid" {
		h.Len += 16
	}
	return h, nil
}

// Box is one box held in memory: its type, its whole extent in the file and
// its payload (after the header and a uuid box's extended type; a full box's
// version and flags are part of the payload).
type Box struct {
	Type       string
	Start, End int
	Data       []byte
}

// PayloadStart is the offset of Data in the file.
func (bx Box) PayloadStart() int { return bx.End - len(bx.Data) }

// Walk splits b[i:limit] into boxes.
func Walk(b []byte, i, limit int) ([]Box, error) {
	var out []Box
	for i < limit {
		if len(out) >= MaxBoxes {
			return out, ErrTooMany
		}
		if limit-i < 8 {
			return out, fmt.Errorf("truncated HEIF: %d stray bytes at offset %d", limit-i, i)
		}
		h, err := ParseHeader(b[i:limit])
		if err != nil {
			return out, fmt.Errorf("truncated HEIF: %q box at offset %d", h.Type, i)
		}
		size := h.Size
		switch {
		case size == 0 && !h.Large:
			size = uint64(limit - i)
		case h.Large && size > uint64(limit-i):
			return out, fmt.Errorf("truncated HEIF: %q box at offset %d claims %d bytes", h.Type, i, size)
		}
		if size < uint64(h.Len) || size > uint64(limit-i) {
			return out, fmt.Errorf("truncated HEIF: %q box at offset %d claims %d bytes", printable.String(h.Type), i, size)
		}
		out = append(out, Box{Type: h.Type, Start: i, End: i + int(size), Data: b[i+h.Len : i+int(size)]})
		i += int(size)
	}
	return out, nil
}

// Children walks the boxes inside bx that start skip bytes into its payload
// (after a full box's version and flags, or an entry count).
func Children(b []byte, bx Box, skip int) ([]Box, error) {
	return Walk(b, bx.PayloadStart()+skip, bx.End)
}

// Build returns a box of type t (four characters) whose payload is parts in
// order: the one box builder for the video cleaner and the test builders.
func Build(t string, parts ...[]byte) []byte {
	n := 8
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 8, n)
	binary.BigEndian.PutUint32(out, uint32(n))
	copy(out[4:], t)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
