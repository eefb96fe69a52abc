package metadata

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"codeberg.org/veil/veil/internal/ifd"
)

// JPEG marker codes the walkers and the cleaner refer to.
const (
	mSOF0 = 0xC0
	mDHT  = 0xC4
	mJPG  = 0xC8
	mDAC  = 0xCC
	mRST0 = 0xD0
	mRST7 = 0xD7
	mSOI  = 0xD8
	mEOI  = 0xD9
	mSOS  = 0xDA
	mDQT  = 0xDB
	mDNL  = 0xDC
	mDRI  = 0xDD
	mAPP0 = 0xE0
	mAPP1 = 0xE1
	mAPP2 = 0xE2
	mCOM  = 0xFE
	mTEM  = 0x01
)

// Identifiers at the start of APPn payloads.
var (
	idJFIF    = []byte("JFIF\x00")
	idJFXX    = []byte("JFXX\x00")
	idExif    = []byte("Exif\x00")
	idXMP     = []byte("http://ns.adobe.com/xap/1.0/\x00")
	idXMPExt  = []byte("http://ns.adobe.com/xmp/extension/\x00")
	idICC     = []byte("ICC_PROFILE\x00")
	idMPF     = []byte("MPF\x00")
	idPS      = []byte("Photoshop 3.0\x00")
	idAdobe   = []byte("Adobe")
	idJUMBF   = []byte("JP")
	errNoSOI  = errors.New("not a JPEG (no start-of-image marker)")
	errNoEOI  = errors.New("truncated JPEG: no end-of-image marker")
	errTooBig = errors.New("too many structural blocks")
)

// maxBlocks bounds the number of blocks a walker returns, so that a file made
// of millions of empty segments cannot make a walker allocate without bound.
const maxBlocks = 1 << 18

// jpegSeg is one marker segment as the JPEG walker sees it. For SOS, end
// includes the entropy-coded data that follows the header. For marker 0 the
// segment is stray bytes between segments.
type jpegSeg struct {
	marker     byte
	start, end int    // whole segment in the file, from the 0xFF (after fill bytes)
	payload    []byte // after the length field (SOS: header only)
	scan       []byte // SOS only: entropy-coded data
}

// walkJPEG splits b into marker segments up to and including EOI and returns
// them with the offset just past EOI (where any trailer starts). On a
// structural error it returns the segments read so far and the error.
func walkJPEG(b []byte) (segs []jpegSeg, end int, err error) {
	if len(b) < 2 || b[0] != 0xFF || b[1] != mSOI {
		return nil, 0, errNoSOI
	}
	segs = append(segs, jpegSeg{marker: mSOI, start: 0, end: 2})
	i := 2
	for {
		if len(segs) >= maxBlocks {
			return segs, i, errTooBig
		}
		if i >= len(b) {
			return segs, i, errNoEOI
		}
		if b[i] != 0xFF {
			// Bytes that belong to no segment: decoders skip them, so they
			// can carry anything. Keep them as their own block.
			k := bytes.IndexByte(b[i:], 0xFF)
			if k < 0 {
				return append(segs, jpegSeg{start: i, end: len(b), payload: b[i:]}), len(b), errNoEOI
			}
			segs = append(segs, jpegSeg{start: i, end: i + k, payload: b[i : i+k]})
			i += k
			continue
		}
		start := i
		for i < len(b) && b[i] == 0xFF {
			i++ // fill bytes
		}
		if i >= len(b) {
			return segs, start, errNoEOI
		}
		m := b[i]
		i++
		start = i - 2
		switch {
		case m < 0xC0 && m != mTEM:
			// Reserved markers never occur in a sound file; after a scan
			// they mean its entropy-coded data is damaged.
			return segs, start, fmt.Errorf("corrupt JPEG: damaged data (invalid marker 0x%02X at offset %d)", m, start)
		case m == mEOI:
			return append(segs, jpegSeg{marker: m, start: start, end: i}), i, nil
		case m == mSOI || m == mTEM || (m >= mRST0 && m <= mRST7):
			segs = append(segs, jpegSeg{marker: m, start: start, end: i})
			continue
		}
		if i+2 > len(b) {
			return segs, start, fmt.Errorf("truncated JPEG: %s segment at offset %d", markerName(m), start)
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || n > len(b)-i {
			return segs, start, fmt.Errorf("truncated JPEG: %s segment at offset %d claims %d bytes", markerName(m), start, n)
		}
		s := jpegSeg{marker: m, start: start, payload: b[i+2 : i+n]}
		i += n
		if m == mSOS {
			e, ok := scanEnd(b, i)
			s.scan = b[i:e]
			i = e
			if !ok {
				s.end = i
				return append(segs, s), i, errNoEOI
			}
		}
		s.end = i
		segs = append(segs, s)
	}
}

// scanEnd returns the offset of the marker that ends the entropy-coded data
// starting at i (stuffed 0xFF00 and RSTn belong to the data), and false when
// the data runs to the end of b.
func scanEnd(b []byte, i int) (int, bool) {
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
		case c == 0x00 || (c >= mRST0 && c <= mRST7):
			i += 2
		case c == 0xFF:
			i++ // fill byte before a marker
		default:
			return i, true
		}
	}
}

// markerName names a non-APPn marker; APPn are named with their identifier by segName.
func markerName(m byte) string {
	switch {
	case m == mDHT:
		return "DHT"
	case m == mDAC:
		return "DAC"
	case m == mJPG:
		return "JPG"
	case m >= 0xC0 && m <= 0xCF:
		return fmt.Sprintf("SOF%d", m-0xC0)
	case m >= mRST0 && m <= mRST7:
		return fmt.Sprintf("RST%d", m-mRST0)
	case m >= 0xE0 && m <= 0xEF:
		return fmt.Sprintf("APP%d", m-0xE0)
	case m >= 0xF0 && m <= 0xFD:
		return fmt.Sprintf("JPG%d", m-0xF0)
	}
	switch m {
	case mSOI:
		return "SOI"
	case mEOI:
		return "EOI"
	case mSOS:
		return "SOS"
	case mDQT:
		return "DQT"
	case mDNL:
		return "DNL"
	case mDRI:
		return "DRI"
	case 0xDE:
		return "DHP"
	case 0xDF:
		return "EXP"
	case mCOM:
		return "COM"
	case mTEM:
		return "TEM"
	}
	return fmt.Sprintf("marker 0x%02X", m)
}

// segName is the Block name of a JPEG segment (see Blocks).
func segName(s jpegSeg) string {
	if s.marker == 0 {
		return "stray bytes"
	}
	if s.marker < 0xE0 || s.marker > 0xEF {
		return markerName(s.marker)
	}
	p := s.payload
	app := markerName(s.marker)
	switch s.marker {
	case mAPP0:
		switch {
		case bytes.HasPrefix(p, idJFIF):
			return "APP0 JFIF"
		case bytes.HasPrefix(p, idJFXX):
			return "APP0 JFXX"
		}
	case mAPP1:
		switch {
		case bytes.HasPrefix(p, idExif):
			return "APP1 Exif"
		case bytes.HasPrefix(p, idXMP):
			return "APP1 XMP"
		case bytes.HasPrefix(p, idXMPExt):
			return "APP1 XMP extended"
		}
	case mAPP2:
		switch {
		case bytes.HasPrefix(p, idICC):
			return "APP2 ICC_PROFILE"
		case bytes.HasPrefix(p, idMPF):
			return "APP2 MPF"
		}
	case 0xEB:
		if bytes.HasPrefix(p, idJUMBF) {
			return "APP11 JUMBF"
		}
	case 0xED:
		if bytes.HasPrefix(p, idPS) {
			return "APP13 Photoshop"
		}
	case 0xEE:
		if bytes.HasPrefix(p, idAdobe) {
			return "APP14 Adobe"
		}
	}
	if id := appID(p); id != "" {
		return app + " " + id
	}
	return app
}

// appID returns the printable identifier at the start of an APPn payload (up
// to the first NUL or non-printable byte, at most 32 characters).
func appID(p []byte) string {
	n := 0
	for n < len(p) && n < 32 && p[n] >= 0x20 && p[n] < 0x7F {
		n++
	}
	return string(bytes.TrimSpace(p[:n]))
}

// mpfImages locates the secondary images listed in the first APP2 MPF
// segment. Offsets in the MP index are relative to the MPF TIFF header. Only
// images lying wholly inside b are returned, as [start, end) pairs.
func mpfImages(b []byte, segs []jpegSeg) [][2]int {
	for _, s := range segs {
		if s.marker != mAPP2 || !bytes.HasPrefix(s.payload, idMPF) {
			continue
		}
		base := s.start + 4 + len(idMPF)
		tf, err := ifd.Parse(s.payload[len(idMPF):])
		if err != nil {
			return nil
		}
		es, _, _ := tf.IFD(tf.First())
		var out [][2]int
		for _, e := range es {
			if e.Tag != ifd.MPEntry || e.Type != ifd.Undefined {
				continue
			}
			val := e.Value
			for k := 0; k+16 <= len(val) && len(out) < 256; k += 16 {
				size, off := int64(tf.Order.Uint32(val[k+4:])), int64(tf.Order.Uint32(val[k+8:]))
				if off == 0 || size == 0 { // the first entry is the main image
					continue
				}
				st := int64(base) + off
				if st >= 0 && st+size <= int64(len(b)) {
					out = append(out, [2]int{int(st), int(st + size)})
				}
			}
		}
		return out
	}
	return nil
}
