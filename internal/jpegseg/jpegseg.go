// Package jpegseg splits a JPEG file into its marker segments (ITU T.81
// annex B): SOI, the tables and APPn segments, every scan with its
// entropy-coded data, EOI, and any bytes that belong to no segment. It names
// segments by marker and by the identifier at the start of an APPn payload,
// and locates the secondary images an MPF index lists.
//
// The file is hostile: every length is checked before slicing, the number of
// segments is bounded, and payloads are sub-slices of the input.
package jpegseg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Marker codes.
const (
	TEM   = 0x01
	SOF0  = 0xC0
	DHT   = 0xC4
	JPG   = 0xC8
	DAC   = 0xCC
	RST0  = 0xD0
	RST7  = 0xD7
	SOI   = 0xD8
	EOI   = 0xD9
	SOS   = 0xDA
	DQT   = 0xDB
	DNL   = 0xDC
	DRI   = 0xDD
	DHP   = 0xDE
	EXP   = 0xDF
	APP0  = 0xE0
	APP1  = 0xE1
	APP2  = 0xE2
	APP11 = 0xEB
	APP13 = 0xED
	APP14 = 0xEE
	APP15 = 0xEF
	COM   = 0xFE
)

// Identifiers at the start of APPn payloads.
var (
	JFIF      = []byte("JFIF\x00")
	JFXX      = []byte("JFXX\x00")
	Exif      = []byte("Exif\x00")
	XMP       = []byte("http://ns.adobe.com/xap/1.0/\x00")
	XMPExt    = []byte("http://ns.adobe.com/xmp/extension/\x00")
	ICC       = []byte("ICC_PROFILE\x00")
	MPF       = []byte("MPF\x00")
	Photoshop = []byte("Photoshop 3.0\x00")
	Adobe     = []byte("Adobe")
	JUMBF     = []byte("JP")
)

// Errors of a walk.
var (
	ErrNoSOI   = errors.New("not a JPEG (no start-of-image marker)")
	ErrNoEOI   = errors.New("truncated JPEG: no end-of-image marker")
	ErrTooMany = errors.New("too many structural blocks")
)

// MaxSegments bounds the segments a walk returns, so that a file made of
// millions of empty segments cannot make it allocate without bound.
const MaxSegments = 1 << 18

// Segment is one marker segment. For SOS, End includes the entropy-coded
// data that follows the header. Marker 0 is stray bytes between segments.
type Segment struct {
	Marker     byte
	Start, End int    // the whole segment in the file, from its 0xFF (after fill bytes)
	Payload    []byte // after the length field (SOS: the header only)
	Scan       []byte // SOS only: the entropy-coded data
}

// IsAPP reports whether the segment is an APPn segment.
func (s Segment) IsAPP() bool { return s.Marker >= APP0 && s.Marker <= APP15 }

// Walk splits b into segments up to and including EOI and returns them with
// the offset just past EOI (where any trailer starts). On a structural error
// it returns the segments read so far and the error.
func Walk(b []byte) (segs []Segment, end int, err error) {
	if len(b) < 2 || b[0] != 0xFF || b[1] != SOI {
		return nil, 0, ErrNoSOI
	}
	segs = append(segs, Segment{Marker: SOI, Start: 0, End: 2})
	for i := 2; ; {
		if len(segs) >= MaxSegments {
			return segs, i, ErrTooMany
		}
		s, err := Next(b, i)
		if err != nil {
			if s.End > s.Start { // stray bytes up to the end of the file
				segs = append(segs, s)
			}
			return segs, s.End, err
		}
		if s.Marker == SOS {
			e, ok := ScanEnd(b, s.End)
			s.Scan, s.End = b[s.End:e], e
			if !ok {
				return append(segs, s), e, ErrNoEOI
			}
		}
		segs = append(segs, s)
		if s.Marker == EOI {
			return segs, s.End, nil
		}
		i = s.End
	}
}

// Next reads the segment that starts at offset i: stray bytes up to the next
// 0xFF, a standalone marker, or a marker segment with its payload (for SOS
// the header only; ScanEnd finds the end of its data). On an error the
// returned segment ends where the problem is: it is empty, or holds the
// stray bytes that run to the end of the file.
func Next(b []byte, i int) (Segment, error) {
	if i >= len(b) {
		return Segment{Start: i, End: i}, ErrNoEOI
	}
	if b[i] != 0xFF {
		// Bytes that belong to no segment: decoders skip them, so they can
		// carry anything. They are a segment of their own.
		k := bytes.IndexByte(b[i:], 0xFF)
		if k < 0 {
			return Segment{Start: i, End: len(b), Payload: b[i:]}, ErrNoEOI
		}
		return Segment{Start: i, End: i + k, Payload: b[i : i+k]}, nil
	}
	start := i
	for i < len(b) && b[i] == 0xFF {
		i++ // fill bytes
	}
	if i >= len(b) {
		return Segment{Start: start, End: start}, ErrNoEOI
	}
	m := b[i]
	i++
	start = i - 2
	switch {
	case m < SOF0 && m != TEM:
		// Reserved markers never occur in a sound file; after a scan they
		// mean its entropy-coded data is damaged.
		return Segment{Start: start, End: start}, fmt.Errorf("corrupt JPEG: damaged data (invalid marker 0x%02X at offset %d)", m, start)
	case m == EOI || m == SOI || m == TEM || (m >= RST0 && m <= RST7):
		return Segment{Marker: m, Start: start, End: i}, nil
	}
	if i+2 > len(b) {
		return Segment{Start: start, End: start}, fmt.Errorf("truncated JPEG: %s segment at offset %d", MarkerName(m), start)
	}
	n := int(binary.BigEndian.Uint16(b[i:]))
	if n < 2 || n > len(b)-i {
		return Segment{Start: start, End: start}, fmt.Errorf("truncated JPEG: %s segment at offset %d claims %d bytes", MarkerName(m), start, n)
	}
	return Segment{Marker: m, Start: start, End: i + n, Payload: b[i+2 : i+n]}, nil
}

// ScanEnd returns the offset of the marker that ends the entropy-coded data
// starting at i (stuffed 0xFF00 and RSTn belong to the data), and false when
// the data runs to the end of b.
func ScanEnd(b []byte, i int) (int, bool) {
	for {
		k := bytes.IndexByte(b[i:], 0xFF)
		if k < 0 {
			return len(b), false
		}
		i += k
		if i+1 >= len(b) {
			return len(b), false
		}
		switch c := b[i+1]; {
		case c == 0x00 || (c >= RST0 && c <= RST7):
			i += 2
		case c == 0xFF:
			i++ // fill byte before a marker
		default:
			return i, true
		}
	}
}

// IsSOF reports whether m starts a frame (SOF0..SOF15 but not DHT, JPG, DAC).
func IsSOF(m byte) bool {
	return m >= SOF0 && m <= 0xCF && m != DHT && m != JPG && m != DAC
}

// ExifTIFF returns the TIFF structure inside the first APP1 segment that
// carries an "Exif\0\0" header, reading only the segments before the first
// scan (nil when there is none).
func ExifTIFF(b []byte) []byte {
	if len(b) < 2 || b[0] != 0xFF || b[1] != SOI {
		return nil
	}
	for i, n := 2, 0; n < MaxSegments; n++ {
		s, err := Next(b, i)
		if err != nil || s.Marker == SOS || s.Marker == EOI {
			return nil
		}
		if s.Marker == APP1 && bytes.HasPrefix(s.Payload, []byte("Exif\x00\x00")) {
			return s.Payload[6:]
		}
		i = s.End
	}
	return nil
}
