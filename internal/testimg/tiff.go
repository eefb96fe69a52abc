package testimg

import (
	"encoding/binary"
	"sort"
)

// Entry is one IFD entry; Data holds its value bytes in big-endian order
// (TIFFOrder converts them for a little-endian structure).
type Entry struct {
	Tag, Type uint16
	Count     uint32
	Data      []byte
}

// ASCII is a NUL-terminated ASCII entry.
func ASCII(tag uint16, s string) Entry {
	return Entry{tag, 2, uint32(len(s) + 1), append([]byte(s), 0)}
}

// Short is a SHORT entry with the given values.
func Short(tag uint16, v ...uint16) Entry {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		binary.BigEndian.PutUint16(b[2*i:], x)
	}
	return Entry{tag, 3, uint32(len(v)), b}
}

// Long is a LONG entry with the given values.
func Long(tag uint16, v ...uint32) Entry {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.BigEndian.PutUint32(b[4*i:], x)
	}
	return Entry{tag, 4, uint32(len(v)), b}
}

// Rational is a RATIONAL entry: v holds numerator, denominator pairs.
func Rational(tag uint16, v ...uint32) Entry {
	e := Long(tag, v...)
	e.Type, e.Count = 5, uint32(len(v)/2)
	return e
}

// Undefined is an UNDEFINED entry holding b.
func Undefined(tag uint16, b []byte) Entry { return Entry{tag, 7, uint32(len(b)), b} }

// Bytes is a BYTE entry.
func Bytes(tag uint16, b ...byte) Entry { return Entry{tag, 1, uint32(len(b)), b} }

// IFD is a directory with pointers to sub-IFDs (by pointer tag), a next IFD
// in its chain, and an optional thumbnail.
type IFD struct {
	Entries []Entry
	Sub     map[uint16]*IFD
	Next    *IFD
	// Thumb, when set, is stored after the IFD and pointed to by
	// JPEGInterchangeFormat (0x0201) and its length (0x0202).
	Thumb []byte
}

// Pointer tags TIFF writes sub-IFDs under, in the order they are written.
var pointerTags = []uint16{0x8769, 0x8825, 0xA005, 0x014A}

// TIFF serialises a big-endian TIFF structure: each IFD is followed by its
// out-of-line values (at even offsets), its thumbnail, then its sub-IFDs and
// next IFD.
func TIFF(ifd0 *IFD) []byte { return TIFFOrder(binary.BigEndian, ifd0) }

// TIFFOrder is TIFF in the byte order bo.
func TIFFOrder(bo binary.ByteOrder, ifd0 *IFD) []byte {
	buf := []byte("MM\x00\x2a\x00\x00\x00\x08")
	if bo == binary.LittleEndian {
		buf = []byte("II\x2a\x00\x08\x00\x00\x00")
	}
	var write func(d *IFD) uint32
	write = func(d *IFD) uint32 {
		start := len(buf)
		n := len(d.Entries) + len(d.Sub)
		if d.Thumb != nil {
			n += 2
		}
		buf = append(buf, make([]byte, 2+12*n+4)...)
		bo.PutUint16(buf[start:], uint16(n))
		slot := start + 2
		put := func(e Entry) {
			bo.PutUint16(buf[slot:], e.Tag)
			bo.PutUint16(buf[slot+2:], e.Type)
			bo.PutUint32(buf[slot+4:], e.Count)
			data := inOrder(bo, e)
			if len(data) <= 4 {
				copy(buf[slot+8:], data)
			} else {
				bo.PutUint32(buf[slot+8:], uint32(len(buf)))
				buf = append(buf, data...)
				if len(buf)%2 == 1 {
					buf = append(buf, 0)
				}
			}
			slot += 12
		}
		for _, e := range d.Entries {
			put(e)
		}
		if d.Thumb != nil {
			put(Long(0x0201, uint32(len(buf))))
			put(Long(0x0202, uint32(len(d.Thumb))))
			buf = append(buf, d.Thumb...)
		}
		for _, tag := range pointerTags {
			s := d.Sub[tag]
			if s == nil {
				continue
			}
			mySlot := slot
			put(Long(tag, 0))
			off := write(s) // may move buf: index it afterwards
			bo.PutUint32(buf[mySlot+8:], off)
		}
		if d.Next != nil {
			off := write(d.Next)
			bo.PutUint32(buf[start+2+12*n:], off)
		}
		return uint32(start)
	}
	write(ifd0)
	return buf
}

// inOrder returns the entry's big-endian value bytes in byte order bo.
func inOrder(bo binary.ByteOrder, e Entry) []byte {
	size := map[uint16]int{3: 2, 8: 2, 4: 4, 9: 4, 11: 4, 13: 4, 5: 4, 10: 4, 12: 8}[e.Type]
	if bo == binary.BigEndian || size == 0 {
		return e.Data
	}
	out := append([]byte{}, e.Data...)
	for i := 0; i+size <= len(out); i += size {
		for a, b := i, i+size-1; a < b; a, b = a+1, b-1 {
			out[a], out[b] = out[b], out[a]
		}
	}
	return out
}

// EXIF builds a big-endian EXIF structure: IFD0 with optional Exif and GPS
// IFDs (their pointer tags added after IFD0's own entries).
func EXIF(ifd0, exif, gps []Entry) []byte {
	d := &IFD{Entries: ifd0, Sub: map[uint16]*IFD{}}
	if len(exif) > 0 {
		d.Sub[0x8769] = &IFD{Entries: exif}
	}
	if len(gps) > 0 {
		d.Sub[0x8825] = &IFD{Entries: gps}
	}
	return TIFF(d)
}

// TIFFImage is an uncompressed 3x2 RGB big-endian TIFF with extra IFD0
// entries and an optional GPS IFD.
func TIFFImage(extra, gps []Entry) []byte {
	return TIFFPixels(3, []byte{255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90}, extra, gps)
}

// TIFFPixels is an uncompressed 3x2 8-bit TIFF with spp samples per pixel
// (3 RGB, 4 RGB with associated alpha) holding pix.
func TIFFPixels(spp uint16, pix []byte, extra, gps []Entry) []byte {
	bps := make([]uint16, spp)
	for i := range bps {
		bps[i] = 8
	}
	build := func(stripAt uint32) []byte {
		es := []Entry{Long(0x0100, 3), Long(0x0101, 2), Short(0x0102, bps...), Short(0x0103, 1), Short(0x0106, 2),
			Long(0x0111, stripAt), Short(0x0115, spp), Long(0x0116, 2), Long(0x0117, uint32(len(pix)))}
		if spp == 4 {
			es = append(es, Short(0x0152, 1)) // ExtraSamples: associated alpha
		}
		es = append(es, extra...)
		sort.Slice(es, func(i, j int) bool { return es[i].Tag < es[j].Tag })
		return EXIF(es, nil, gps)
	}
	t := build(0)
	t = build(uint32(len(t)))
	return append(t, pix...)
}

// PersonalEXIF is an EXIF structure as a camera phone writes it, with
// identifying fields: make "Cam", artist Leaky, the original date
// 2025:07:01 12:34:56, owner Leaky, a time zone (+01:00), and a GPS IFD (a
// latitude reference and a processing method naming Leaky); with o > 0, an
// orientation.
func PersonalEXIF(o uint16) []byte {
	ifd0 := []Entry{ASCII(0x010F, "Cam"), ASCII(0x013B, Leaky)}
	if o > 0 {
		ifd0 = append(ifd0, Short(0x0112, o))
	}
	return EXIF(ifd0, []Entry{ASCII(0x9003, "2025:07:01 12:34:56"), ASCII(0xA430, Leaky), ASCII(0x9010, "+01:00")},
		[]Entry{ASCII(1, "N"), ASCII(0x1B, Leaky)})
}

// OrientationEXIF is the smallest EXIF structure: IFD0 holding only the
// Orientation o (what a cleaner keeps of a rotated photo).
func OrientationEXIF(o uint16) []byte { return EXIF([]Entry{Short(0x0112, o)}, nil, nil) }
