package metadata

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// Location-only mode keeps these tags, and only these, from IFD0 and the
// Exif IFD: what says which camera took the photo, how, and when. Everything
// else goes, including free text (descriptions, comments), names, serial
// numbers, unique IDs, the MakerNote, the GPS and Interop IFDs and IFD1 (the
// thumbnail). Time-zone offsets (OffsetTime*) go too: a time zone narrows
// down where a photo was taken.
var (
	keepIFD0 = map[uint16]bool{
		0x010F: true, // Make
		0x0110: true, // Model
		0x0112: true, // Orientation
		0x011A: true, // XResolution
		0x011B: true, // YResolution
		0x0128: true, // ResolutionUnit
		0x0132: true, // DateTime
		0x0213: true, // YCbCrPositioning
	}
	keepExifIFD = map[uint16]bool{
		0x829A: true, 0x829D: true, 0x8822: true, 0x8827: true, 0x8830: true, 0x8832: true, // exposure, ISO
		0x9000: true, 0x9003: true, 0x9004: true, // ExifVersion, DateTimeOriginal, DateTimeDigitized
		0x9101: true, 0x9102: true, 0x9201: true, 0x9202: true, 0x9203: true, 0x9204: true,
		0x9205: true, 0x9206: true, 0x9207: true, 0x9208: true, 0x9209: true, 0x920A: true,
		0x9290: true, 0x9291: true, 0x9292: true, // SubSecTime*
		0xA000: true, 0xA001: true, 0xA002: true, 0xA003: true, // FlashpixVersion, ColorSpace, dimensions
		0xA20E: true, 0xA20F: true, 0xA210: true, 0xA217: true, 0xA300: true, 0xA301: true,
		0xA401: true, 0xA402: true, 0xA403: true, 0xA404: true, 0xA405: true, 0xA406: true,
		0xA407: true, 0xA408: true, 0xA409: true, 0xA40A: true, 0xA40C: true,
		0xA432: true, 0xA433: true, 0xA434: true, // LensSpecification, LensMake, LensModel
	}
)

// maxKeptValue bounds one kept tag's value: camera and date fields are short.
const maxKeptValue = 256

// exifTag is one IFD entry to write.
type exifTag struct {
	tag, typ uint16
	count    uint32
	val      []byte // in the output's byte order
}

// orientationEXIF returns a TIFF structure holding only IFD0 with the
// Orientation tag set to o.
func orientationEXIF(o int) []byte {
	return writeTIFF(binary.BigEndian, []exifTag{{tagOrientation, 3, 1, []byte{0, byte(o)}}}, nil)
}

// writeTIFF lays out a TIFF structure: header, IFD0 and its out-of-line
// values, then the Exif IFD (when exif is not empty) and its values. Values
// are padded to even offsets; nothing else is written.
func writeTIFF(bo binary.ByteOrder, ifd0, exif []exifTag) []byte {
	if len(exif) > 0 {
		ifd0 = append(ifd0, exifTag{tagExifIFD, 4, 1, make([]byte, 4)})
	}
	for _, l := range [][]exifTag{ifd0, exif} {
		sort.Slice(l, func(i, j int) bool { return l[i].tag < l[j].tag })
	}
	ab := bo.(binary.AppendByteOrder) // both byte orders implement it
	out := make([]byte, 0, 512)
	if bo == binary.LittleEndian {
		out = append(out, 'I', 'I', 42, 0)
	} else {
		out = append(out, 'M', 'M', 0, 42)
	}
	out = ab.AppendUint32(out, 8)
	ifdSize := func(l []exifTag) int {
		n := 2 + 12*len(l) + 4
		for _, e := range l {
			if len(e.val) > 4 {
				n += len(e.val) + len(e.val)&1
			}
		}
		return n
	}
	exifOff := 8 + ifdSize(ifd0)
	write := func(l []exifTag) {
		data := len(out) + 2 + 12*len(l) + 4
		var vals []byte
		out = ab.AppendUint16(out, uint16(len(l)))
		for _, e := range l {
			out = ab.AppendUint16(out, e.tag)
			out = ab.AppendUint16(out, e.typ)
			out = ab.AppendUint32(out, e.count)
			switch {
			case e.tag == tagExifIFD:
				out = ab.AppendUint32(out, uint32(exifOff))
			case len(e.val) <= 4:
				var v [4]byte
				copy(v[:], e.val)
				out = append(out, v[:]...)
			default:
				out = ab.AppendUint32(out, uint32(data+len(vals)))
				vals = append(vals, e.val...)
				if len(e.val)&1 == 1 {
					vals = append(vals, 0)
				}
			}
		}
		out = ab.AppendUint32(out, 0)
		out = append(out, vals...)
	}
	write(ifd0)
	if len(exif) > 0 {
		write(exif)
	}
	return out
}

// locationSafeEXIF rewrites the TIFF structure t keeping only the camera and
// date tags of keepIFD0 and keepExifIFD (without Orientation unless
// orientation is true: re-encoded pixels are already upright). It returns
// the new structure (nil when nothing is kept) and short phrases for what
// went.
func locationSafeEXIF(t []byte, orientation bool) ([]byte, []string, error) {
	bo := tiffOrder(t)
	if bo == nil {
		return nil, nil, fmt.Errorf("EXIF has no TIFF header")
	}
	var removed []string
	var ifd0, exif []exifTag
	var exifPtr uint32
	next, err := forEachIFDEntry(t, firstIFD(t), func(bo binary.ByteOrder, tag, typ uint16, count uint32, val []byte) {
		switch {
		case tag == tagExifIFD:
			if o := ifdOffsets(bo, typ, val); len(o) == 1 {
				exifPtr = o[0]
			}
		case tag == tagGPSIFD:
			removed = append(removed, "EXIF GPS position")
		case tag == tagOrientation && !orientation:
		case keepIFD0[tag] && val != nil && len(val) <= maxKeptValue:
			ifd0 = append(ifd0, exifTag{tag, typ, count, val})
		default:
			removed = append(removed, "EXIF "+exifTagName(tag))
		}
	})
	if err != nil {
		return nil, nil, err
	}
	if next != 0 {
		removed = append(removed, "EXIF thumbnail (IFD1)")
	}
	if exifPtr != 0 {
		_, err := forEachIFDEntry(t, exifPtr, func(bo binary.ByteOrder, tag, typ uint16, count uint32, val []byte) {
			switch {
			case tag == tagGPSIFD:
				removed = append(removed, "EXIF GPS position")
			case keepExifIFD[tag] && val != nil && len(val) <= maxKeptValue:
				exif = append(exif, exifTag{tag, typ, count, val})
			default:
				removed = append(removed, "EXIF "+exifTagName(tag))
			}
		})
		if err != nil {
			removed = append(removed, "EXIF sub-IFD (unreadable)")
			exif = nil
		}
	}
	if len(ifd0) == 0 && len(exif) == 0 {
		return nil, removed, nil
	}
	return writeTIFF(bo, ifd0, exif), removed, nil
}

// exifTagName names the tags Clean most often removes, for Result.Removed.
func exifTagName(tag uint16) string {
	switch tag {
	case tagMakerNote:
		return "MakerNote"
	case tagInteropIFD:
		return "Interop IFD"
	case 0x9010, 0x9011, 0x9012:
		return "time zone"
	case 0xA431, 0xA435, 0xC62F:
		return "serial number"
	case 0xA430:
		return "camera owner name"
	case 0xA420:
		return "image unique ID"
	case 0x013B, 0x9C9D:
		return "author"
	case 0x8298:
		return "copyright"
	case 0x010E, 0x9286, 0x9C9C, 0x9C9B, 0x9C9F, 0x9C9E:
		return "description or comment"
	case 0x0131, 0x013C:
		return "software"
	}
	if n := tiffTagNames[tag]; n != "" {
		return n
	}
	return fmt.Sprintf("tag 0x%04X", tag)
}
