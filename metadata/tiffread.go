package metadata

import (
	"encoding/binary"
	"fmt"
)

// TIFF tag numbers the walkers, the cleaner and the verifier refer to.
const (
	tagOrientation = 0x0112
	tagExifIFD     = 0x8769
	tagGPSIFD      = 0x8825
	tagInteropIFD  = 0xA005
	tagSubIFDs     = 0x014A
	tagXMP         = 0x02BC
	tagIPTC        = 0x83BB
	tagPhotoshop   = 0x8649
	tagICC         = 0x8773
	tagMakerNote   = 0x927C
)

// maxIFDEntries bounds the entries read from one IFD; real files have a few
// hundred at most.
const maxIFDEntries = 4096

// tiffTypeSize is the size in bytes of one value of each TIFF field type
// (0 for unknown types).
func tiffTypeSize(typ uint16) int {
	switch typ {
	case 1, 2, 6, 7:
		return 1
	case 3, 8:
		return 2
	case 4, 9, 11, 13:
		return 4
	case 5, 10, 12, 16, 17, 18:
		return 8
	}
	return 0
}

// tiffOrder returns the byte order of the TIFF structure t, or nil if t does
// not start with a TIFF header.
func tiffOrder(t []byte) binary.ByteOrder {
	if len(t) < 8 {
		return nil
	}
	switch {
	case t[0] == 'I' && t[1] == 'I' && t[2] == 42 && t[3] == 0:
		return binary.LittleEndian
	case t[0] == 'M' && t[1] == 'M' && t[2] == 0 && t[3] == 42:
		return binary.BigEndian
	}
	return nil
}

// firstIFD returns the offset of IFD0 in the TIFF structure t (0 if none).
func firstIFD(t []byte) uint32 {
	bo := tiffOrder(t)
	if bo == nil {
		return 0
	}
	return bo.Uint32(t[4:])
}

// forEachIFDEntry calls fn for every entry of the IFD at off in the TIFF
// structure t, with the entry's value bytes (nil when they lie outside t or
// the type is unknown). It returns the offset of the next IFD (0 at the end
// of the chain) and an error when the IFD itself does not fit in t.
func forEachIFDEntry(t []byte, off uint32, fn func(bo binary.ByteOrder, tag, typ uint16, count uint32, val []byte)) (uint32, error) {
	bo := tiffOrder(t)
	if bo == nil {
		return 0, fmt.Errorf("not a TIFF structure")
	}
	if off < 8 || int64(off)+2 > int64(len(t)) {
		return 0, fmt.Errorf("IFD offset %d outside the %d-byte TIFF structure", off, len(t))
	}
	n := int(bo.Uint16(t[off:]))
	if n > maxIFDEntries {
		return 0, fmt.Errorf("IFD at %d claims %d entries", off, n)
	}
	e := int(off) + 2
	if e+12*n > len(t) {
		return 0, fmt.Errorf("IFD at %d (%d entries) runs past the end", off, n)
	}
	for k := 0; k < n; k++ {
		p := t[e+12*k : e+12*k+12]
		tag, typ, count := bo.Uint16(p), bo.Uint16(p[2:]), bo.Uint32(p[4:])
		fn(bo, tag, typ, count, entryValue(t, bo, p))
	}
	e += 12 * n
	if e+4 > len(t) {
		return 0, nil
	}
	return bo.Uint32(t[e:]), nil
}

// entryValue returns the value bytes of the 12-byte IFD entry p, or nil when
// they lie outside t or the type is unknown.
func entryValue(t []byte, bo binary.ByteOrder, p []byte) []byte {
	size := int64(tiffTypeSize(bo.Uint16(p[2:])))
	if size == 0 {
		return nil
	}
	n := size * int64(bo.Uint32(p[4:]))
	if n <= 4 {
		return p[8 : 8+n]
	}
	off := int64(bo.Uint32(p[8:]))
	if off+n > int64(len(t)) {
		return nil
	}
	return t[off : off+n]
}

// ifdOffsets reads a pointer tag's value (one or more LONG/IFD offsets).
func ifdOffsets(bo binary.ByteOrder, typ uint16, val []byte) []uint32 {
	if typ != 4 && typ != 13 {
		return nil
	}
	var out []uint32
	for k := 0; k+4 <= len(val) && len(out) < 64; k += 4 {
		out = append(out, bo.Uint32(val[k:]))
	}
	return out
}
