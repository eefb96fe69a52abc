package inspect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/metadata"
)

// valueText renders an entry's value for people.
func valueText(t *ifd.TIFF, e ifd.Entry) string {
	if e.Value == nil {
		return fmt.Sprintf("(value outside the data, %d × type %d)", e.Count, e.Type)
	}
	switch e.Type {
	case 2:
		return asciiText(e.Value)
	case 1, 7:
		if looksText(e.Value) {
			return asciiText(e.Value)
		}
		if len(e.Value) > 8 {
			return sizeText(len(e.Value)) + " of binary data"
		}
	case 5, 10:
		var parts []string
		for i := 0; (i+1)*8 <= len(e.Value) && i < 16; i++ {
			n, d := t.Order.Uint32(e.Value[i*8:]), t.Order.Uint32(e.Value[i*8+4:])
			parts = append(parts, rationalText(int64(n), int64(d), e.Type == 10))
		}
		return strings.Join(parts, ", ")
	case 11, 12:
		var parts []string
		for _, f := range t.Floats(e, 16) {
			parts = append(parts, strconv.FormatFloat(f, 'g', 6, 64))
		}
		return strings.Join(parts, ", ")
	}
	var parts []string
	for _, u := range t.Uints(e, 16) {
		if e.Type == 8 {
			parts = append(parts, strconv.Itoa(int(int16(u))))
		} else if e.Type == 9 {
			parts = append(parts, strconv.Itoa(int(int32(u))))
		} else {
			parts = append(parts, strconv.FormatUint(u, 10))
		}
	}
	s := strings.Join(parts, ", ")
	if e.Count > 16 {
		s += fmt.Sprintf(", … (%d values)", e.Count)
	}
	return s
}

func rationalText(n, d int64, signed bool) string {
	if signed {
		n, d = int64(int32(n)), int64(int32(d))
	}
	switch {
	case d == 0:
		return "undefined"
	case n%d == 0:
		return strconv.FormatInt(n/d, 10)
	case n == 1 || (n > 0 && d%n == 0 && d/n > 1):
		return fmt.Sprintf("1/%d", d/n)
	}
	return strconv.FormatFloat(float64(n)/float64(d), 'g', 6, 64)
}

// asciiText reads a NUL-terminated (or padded) string.
func asciiText(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		// Several NUL-separated strings are legal in TIFF ASCII values.
		parts := bytes.Split(bytes.TrimRight(b, "\x00"), []byte{0})
		var s []string
		for _, p := range parts {
			if q := strings.TrimSpace(string(p)); q != "" {
				s = append(s, q)
			}
		}
		return strings.Join(s, "; ")
	}
	return strings.TrimSpace(string(b))
}

// looksText reports whether b is mostly printable (after trailing NULs).
func looksText(b []byte) bool {
	b = bytes.TrimRight(b, "\x00 ")
	if len(b) == 0 {
		return false
	}
	bad := 0
	for _, c := range b {
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F {
			bad++
		}
	}
	return bad*20 < len(b)
}

// utf16Text decodes UTF-16 with the given byte order, to the first NUL.
func utf16Text(b []byte, bo binary.ByteOrder) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := bo.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return strings.TrimSpace(string(utf16.Decode(u)))
}

// tagInfo describes how an EXIF/TIFF tag is reported.
type tagInfo struct {
	name string
	cat  metadata.Category
	sev  metadata.Severity
}

// IFD kinds, used to pick the tag table and the Where of findings.
const (
	ifd0Dir = iota
	ifd1Dir
	exifDir
	gpsDir
	interopDir
	subIFDDir
)

// tiffTags are IFD0/IFD1 tags (TIFF baseline and common extensions).
var tiffTags = map[uint16]tagInfo{
	0x010D: {"Document name", metadata.Other, metadata.Medium},
	0x010E: {"Image description", metadata.Other, metadata.Medium},
	0x010F: {"Make", metadata.Device, metadata.Medium},
	0x0110: {"Model", metadata.Device, metadata.Medium},
	0x011D: {"Page name", metadata.Other, metadata.Medium},
	0x011E: {"X position", metadata.Other, metadata.Low},
	0x011F: {"Y position", metadata.Other, metadata.Low},
	0x0129: {"Page number", metadata.Other, metadata.Low},
	0x0131: {"Software", metadata.Software, metadata.Medium},
	0x0132: {"Modify date", metadata.Time, metadata.Medium},
	0x013B: {"Artist", metadata.People, metadata.High},
	0x013C: {"Host computer", metadata.Device, metadata.High},
	0x0148: {"Ink names", metadata.Other, metadata.Low},
	0x8298: {"Copyright", metadata.People, metadata.High},
	0x9C9B: {"XP title", metadata.Other, metadata.Medium},
	0x9C9C: {"XP comment", metadata.Other, metadata.Medium},
	0x9C9D: {"XP author", metadata.People, metadata.High},
	0x9C9E: {"XP keywords", metadata.Other, metadata.Medium},
	0x9C9F: {"XP subject", metadata.Other, metadata.Medium},
	0x4746: {"Rating", metadata.Other, metadata.Low},
	0x4749: {"Rating percent", metadata.Other, metadata.Low},
	0xC4A5: {"PrintIM", metadata.Software, metadata.Low},
	0x830E: {"GeoTIFF pixel scale", metadata.Location, metadata.High},
	0x8482: {"GeoTIFF tie point", metadata.Location, metadata.High},
	0x85D8: {"GeoTIFF model transform", metadata.Location, metadata.High},
	0x87AF: {"GeoTIFF key directory", metadata.Location, metadata.High},
	0x87B0: {"GeoTIFF double parameters", metadata.Location, metadata.High},
	0x87B1: {"GeoTIFF ASCII parameters", metadata.Location, metadata.High},
	0xA480: {"GDAL metadata", metadata.Location, metadata.Medium},
	0xA481: {"GDAL no-data value", metadata.Other, metadata.Low},
	0xC612: {"DNG version", metadata.Software, metadata.Low},
	0xC614: {"Unique camera model", metadata.Device, metadata.Medium},
	0xC615: {"Localized camera model", metadata.Device, metadata.Medium},
	0xC62F: {"Camera serial number", metadata.Device, metadata.High},
	0xC65D: {"Raw data unique ID", metadata.Device, metadata.High},
	0xC68B: {"Original raw file name", metadata.Other, metadata.High},
	0xC6F8: {"Profile name", metadata.Software, metadata.Low},
	0xC6FE: {"Profile copyright", metadata.People, metadata.Medium},
	0xC7A1: {"Camera label", metadata.Device, metadata.Medium},
	0x9003: {"Date/time original", metadata.Time, metadata.Medium},
	0x9286: {"User comment", metadata.Other, metadata.Medium},
	0xA420: {"Image unique ID", metadata.Device, metadata.High},
	0xA430: {"Owner name", metadata.People, metadata.High},
	0xA431: {"Serial number", metadata.Device, metadata.High},
	0xA435: {"Lens serial number", metadata.Device, metadata.High},
	0x9211: {"Image number", metadata.Device, metadata.Medium},
	0xFDE8: {"Owner name", metadata.People, metadata.High},
}

// exifTags are ExifIFD tags.
var exifTags = map[uint16]tagInfo{
	0x829A: {"Exposure time", metadata.Device, metadata.Low},
	0x829D: {"F number", metadata.Device, metadata.Low},
	0x8822: {"Exposure program", metadata.Device, metadata.Low},
	0x8824: {"Spectral sensitivity", metadata.Device, metadata.Low},
	0x8827: {"ISO", metadata.Device, metadata.Low},
	0x8828: {"OECF", metadata.Device, metadata.Low},
	0x8830: {"Sensitivity type", metadata.Device, metadata.Low},
	0x8831: {"Standard output sensitivity", metadata.Device, metadata.Low},
	0x8832: {"Recommended exposure index", metadata.Device, metadata.Low},
	0x9003: {"Date/time original", metadata.Time, metadata.Medium},
	0x9004: {"Create date", metadata.Time, metadata.Medium},
	0x9010: {"Offset time", metadata.Time, metadata.Medium},
	0x9011: {"Offset time original", metadata.Time, metadata.Medium},
	0x9012: {"Offset time digitized", metadata.Time, metadata.Medium},
	0x9102: {"Compressed bits per pixel", metadata.Device, metadata.Low},
	0x9201: {"Shutter speed value", metadata.Device, metadata.Low},
	0x9202: {"Aperture value", metadata.Device, metadata.Low},
	0x9203: {"Brightness value", metadata.Device, metadata.Low},
	0x9204: {"Exposure compensation", metadata.Device, metadata.Low},
	0x9205: {"Max aperture value", metadata.Device, metadata.Low},
	0x9206: {"Subject distance", metadata.Device, metadata.Low},
	0x9207: {"Metering mode", metadata.Device, metadata.Low},
	0x9208: {"Light source", metadata.Device, metadata.Low},
	0x9209: {"Flash", metadata.Device, metadata.Low},
	0x920A: {"Focal length", metadata.Device, metadata.Low},
	0x9211: {"Image number", metadata.Device, metadata.Medium},
	0x9214: {"Subject area", metadata.People, metadata.Low},
	0x9286: {"User comment", metadata.Other, metadata.Medium},
	0x9290: {"Sub sec time", metadata.Time, metadata.Low},
	0x9291: {"Sub sec time original", metadata.Time, metadata.Low},
	0x9292: {"Sub sec time digitized", metadata.Time, metadata.Low},
	0x9400: {"Ambient temperature", metadata.Location, metadata.Low},
	0x9401: {"Humidity", metadata.Location, metadata.Low},
	0x9402: {"Pressure", metadata.Location, metadata.Low},
	0x9403: {"Water depth", metadata.Location, metadata.Medium},
	0x9404: {"Acceleration", metadata.Device, metadata.Low},
	0x9405: {"Camera elevation angle", metadata.Device, metadata.Low},
	0x9C9B: {"XP title", metadata.Other, metadata.Medium},
	0x9C9C: {"XP comment", metadata.Other, metadata.Medium},
	0x9C9D: {"XP author", metadata.People, metadata.High},
	0xA004: {"Related sound file", metadata.Other, metadata.Medium},
	0xA20B: {"Flash energy", metadata.Device, metadata.Low},
	0xA20E: {"Focal plane X resolution", metadata.Device, metadata.Low},
	0xA20F: {"Focal plane Y resolution", metadata.Device, metadata.Low},
	0xA210: {"Focal plane resolution unit", metadata.Device, metadata.Low},
	0xA214: {"Subject location", metadata.People, metadata.Low},
	0xA215: {"Exposure index", metadata.Device, metadata.Low},
	0xA217: {"Sensing method", metadata.Device, metadata.Low},
	0xA300: {"File source", metadata.Device, metadata.Low},
	0xA301: {"Scene type", metadata.Device, metadata.Low},
	0xA302: {"CFA pattern", metadata.Device, metadata.Low},
	0xA401: {"Custom rendered", metadata.Device, metadata.Low},
	0xA402: {"Exposure mode", metadata.Device, metadata.Low},
	0xA403: {"White balance", metadata.Device, metadata.Low},
	0xA404: {"Digital zoom ratio", metadata.Device, metadata.Low},
	0xA405: {"Focal length in 35mm format", metadata.Device, metadata.Low},
	0xA406: {"Scene capture type", metadata.Device, metadata.Low},
	0xA407: {"Gain control", metadata.Device, metadata.Low},
	0xA408: {"Contrast", metadata.Device, metadata.Low},
	0xA409: {"Saturation", metadata.Device, metadata.Low},
	0xA40A: {"Sharpness", metadata.Device, metadata.Low},
	0xA40B: {"Device setting description", metadata.Device, metadata.Low},
	0xA40C: {"Subject distance range", metadata.Device, metadata.Low},
	0xA420: {"Image unique ID", metadata.Device, metadata.High},
	0xA430: {"Owner name", metadata.People, metadata.High},
	0xA431: {"Serial number", metadata.Device, metadata.High},
	0xA432: {"Lens info", metadata.Device, metadata.Medium},
	0xA433: {"Lens make", metadata.Device, metadata.Medium},
	0xA434: {"Lens model", metadata.Device, metadata.Medium},
	0xA435: {"Lens serial number", metadata.Device, metadata.High},
	0xA436: {"Image title", metadata.Other, metadata.Medium},
	0xA437: {"Photographer", metadata.People, metadata.High},
	0xA438: {"Image editor", metadata.People, metadata.High},
	0xA439: {"Camera firmware", metadata.Software, metadata.Medium},
	0xA43A: {"RAW developing software", metadata.Software, metadata.Medium},
	0xA43B: {"Image editing software", metadata.Software, metadata.Medium},
	0xA43C: {"Metadata editing software", metadata.Software, metadata.Medium},
	0xA460: {"Composite image", metadata.Device, metadata.Low},
	0xA461: {"Composite image count", metadata.Device, metadata.Low},
	0xA462: {"Composite image exposure times", metadata.Device, metadata.Low},
	0xA500: {"Gamma", metadata.Device, metadata.Low},
	0xEA1C: {"Padding", metadata.Other, metadata.Low},
	0xEA1D: {"Offset schema", metadata.Other, metadata.Low},
	0xFDE8: {"Owner name", metadata.People, metadata.High},
	0xFDE9: {"Serial number", metadata.Device, metadata.High},
	0xFDEA: {"Lens", metadata.Device, metadata.Medium},
}

// gpsTags are GPS IFD tags reported one by one (position, altitude and
// time are combined into single findings).
var gpsTags = map[uint16]tagInfo{
	0x0000: {"GPS version ID", metadata.Location, metadata.Low},
	0x0008: {"GPS satellites", metadata.Location, metadata.Medium},
	0x0009: {"GPS status", metadata.Location, metadata.Low},
	0x000A: {"GPS measure mode", metadata.Location, metadata.Low},
	0x000B: {"GPS DOP", metadata.Location, metadata.Low},
	0x000C: {"GPS speed ref", metadata.Location, metadata.Low},
	0x000D: {"GPS speed", metadata.Location, metadata.Medium},
	0x000E: {"GPS track ref", metadata.Location, metadata.Low},
	0x000F: {"GPS track", metadata.Location, metadata.Medium},
	0x0010: {"GPS img direction ref", metadata.Location, metadata.Low},
	0x0011: {"GPS img direction", metadata.Location, metadata.Medium},
	0x0012: {"GPS map datum", metadata.Location, metadata.Low},
	0x0017: {"GPS dest bearing ref", metadata.Location, metadata.Low},
	0x0018: {"GPS dest bearing", metadata.Location, metadata.Medium},
	0x0019: {"GPS dest distance ref", metadata.Location, metadata.Low},
	0x001A: {"GPS dest distance", metadata.Location, metadata.Medium},
	0x001B: {"GPS processing method", metadata.Location, metadata.Medium},
	0x001C: {"GPS area information", metadata.Location, metadata.High},
	0x001E: {"GPS differential", metadata.Location, metadata.Low},
	0x001F: {"GPS H positioning error", metadata.Location, metadata.Medium},
}

// interopTags are Interop IFD tags.
var interopTags = map[uint16]tagInfo{
	0x1000: {"Related image file format", metadata.Other, metadata.Low},
	0x1001: {"Related image width", metadata.Other, metadata.Low},
	0x1002: {"Related image height", metadata.Other, metadata.Low},
}

// tiff inspects a TIFF structure (an EXIF block or a whole TIFF file). where
// names the container ("EXIF", "PNG eXIf", "TIFF", "MPF image 2: EXIF").
func (in *inspector) tiff(b []byte, where string, depth int) {
	if depth > maxDepth {
		return
	}
	in.exifSeen++
	if in.exifSeen == 2 && where == "EXIF" {
		where = "second EXIF"
	} else if in.exifSeen > 2 && where == "EXIF" {
		where = fmt.Sprintf("EXIF block %d", in.exifSeen)
	}
	t, err := ifd.Parse(b)
	if err != nil {
		in.add(metadata.Other, metadata.Medium, where, "Unreadable EXIF", err.Error()+fmt.Sprintf(" (%s)", sizeText(len(b))))
		return
	}
	in.guard(where, "EXIF", func() {
		w := &exifWalk{in: in, t: t, where: where, depth: depth, seen: map[uint32]bool{}}
		w.walk(t.Order.Uint32(b[4:]), ifd0Dir, 0)
		if w.broken && !w.gps {
			// Damaged EXIF can still hold a GPS directory that no pointer
			// reaches any more; other tools say nothing about it.
			if o := orphanGPS(t, w.seen); o > 0 {
				w.orphan = true
				w.walk(o, gpsDir, 0)
			}
		}
	})
}

// exifWalk walks the IFD tree of one TIFF structure.
type exifWalk struct {
	in    *inspector
	t     *ifd.TIFF
	where string
	depth int
	seen  map[uint32]bool
	// broken is set once a damaged directory has been reported.
	broken bool
	// gps is set once a GPS directory has been read; orphan while the walker
	// reads one found by scanning damaged data.
	gps, orphan bool
}

func (w *exifWalk) label(kind, index int) string {
	switch kind {
	case ifd0Dir:
		if index > 0 {
			return fmt.Sprintf("%s IFD%d", w.where, index)
		}
		return w.where + " IFD0"
	case ifd1Dir:
		return w.where + " IFD1"
	case gpsDir:
		if w.orphan {
			return w.where + " GPS (not linked, found in damaged data)"
		}
		return w.where + " GPS"
	case interopDir:
		return w.where + " interop"
	case subIFDDir:
		return fmt.Sprintf("%s SubIFD %d", w.where, index)
	}
	return w.where
}

func (w *exifWalk) walk(off uint32, kind, index int) {
	for off != 0 {
		if w.seen[off] || len(w.seen) >= ifd.MaxIFDs {
			return
		}
		w.seen[off] = true
		where := w.label(kind, index)
		es, next, err := w.t.IFD(off)
		if err != nil {
			// A damaged directory: keep the entries up to the first one that
			// cannot be real (tags out of order, unknown type), so garbage is
			// not reported as tags.
			es = plausible(es)
			if !w.broken {
				w.broken = true
				w.in.add(metadata.Other, metadata.Medium, where, "Unreadable EXIF", err.Error())
			}
		}
		w.entries(es, kind, index, where)
		if kind != ifd0Dir && kind != ifd1Dir && kind != subIFDDir {
			return
		}
		// IFD0's successor is the thumbnail IFD1; in a TIFF file further IFDs are pages.
		off = next
		index++
		if kind == ifd0Dir && index == 1 && w.where != "TIFF" {
			kind = ifd1Dir
		}
	}
}

func (w *exifWalk) entries(es []ifd.Entry, kind, index int, where string) {
	in, t := w.in, w.t
	var table map[uint16]tagInfo
	switch kind {
	case ifd0Dir, ifd1Dir, subIFDDir:
		table = tiffTags
	case exifDir:
		table = exifTags
	case gpsDir:
		w.gpsEntries(es, where)
		return
	case interopDir:
		table = interopTags
	}
	offsets := map[uint16]string{}
	for _, e := range es {
		if kind == exifDir && (e.Tag == 0x9010 || e.Tag == 0x9011 || e.Tag == 0x9012) && e.Type == 2 && e.Value != nil {
			offsets[e.Tag] = asciiText(e.Value)
		}
	}
	var thumbOff, thumbLen int64 = -1, -1
	var stripOffs, stripLens []uint64
	bad := 0
	defer func() {
		if bad > 0 && !w.broken {
			w.broken = true
			in.add(metadata.Other, metadata.Medium, where, "Unreadable EXIF", fmt.Sprintf("%d damaged entries", bad))
		}
	}()
	for _, e := range es {
		if ifd.TypeSize(e.Type) == 0 {
			bad++
			continue
		}
		_, known := table[e.Tag]
		if e.Value == nil && !known && e.Tag != 0x927C {
			bad++
			continue
		}
		switch e.Tag {
		case 0x8769:
			if v := t.Uints(e, 1); len(v) == 1 {
				w.walk(uint32(v[0]), exifDir, 0)
			}
			continue
		case 0x8825:
			if v := t.Uints(e, 1); len(v) == 1 {
				w.walk(uint32(v[0]), gpsDir, 0)
			}
			continue
		case 0xA005:
			if v := t.Uints(e, 1); len(v) == 1 {
				w.walk(uint32(v[0]), interopDir, 0)
			}
			continue
		case 0x014A:
			for i, v := range t.Uints(e, 16) {
				w.walk(uint32(v), subIFDDir, i+1)
			}
			continue
		case 0x0201:
			if v := t.Uints(e, 1); len(v) == 1 {
				thumbOff = int64(v[0])
			}
			continue
		case 0x0202:
			if v := t.Uints(e, 1); len(v) == 1 {
				thumbLen = int64(v[0])
			}
			continue
		case 0x0111:
			stripOffs = t.Uints(e, 4096)
			continue
		case 0x0117:
			stripLens = t.Uints(e, 4096)
			continue
		case 0x927C:
			in.makerNote(t, e, w.where, w.depth)
			continue
		case 0x02BC: // XMP
			if e.Value != nil {
				in.xmp(e.Value, where+" XMP", w.depth+1)
			}
			continue
		case 0x83BB: // IPTC-NAA
			if e.Value != nil {
				in.iptc(e.Value, where+" IPTC")
			}
			continue
		case 0x8649: // Photoshop IRB
			if e.Value != nil {
				in.irb(e.Value, where+" Photoshop", w.depth+1)
			}
			continue
		case 0x8773: // ICC profile
			if e.Value != nil {
				in.iccProfile(e.Value, where+" ICC profile")
			}
			continue
		case 0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E, 0x9C9F:
			if e.Value != nil {
				tg := tiffTags[e.Tag]
				in.add(tg.cat, tg.sev, where, tg.name, utf16Text(e.Value, binary.LittleEndian))
			}
			continue
		case 0x9286, 0x9C00:
			if e.Value != nil {
				if s := userComment(e.Value, t.Order); s != "" {
					in.add(metadata.Other, metadata.Medium, where, "User comment", s)
				} else {
					in.add(metadata.Other, metadata.Low, where, "User comment", "(empty)")
				}
			}
			continue
		}
		if kind == ifd1Dir {
			// Everything else in IFD1 describes the thumbnail; text tags are worth naming.
			if tg, ok := tiffTags[e.Tag]; ok && e.Type == 2 {
				in.add(tg.cat, tg.sev, where, tg.name, valueText(t, e))
			}
			continue
		}
		if ifd.Structural(e.Tag) {
			continue
		}
		tg, ok := table[e.Tag]
		if !ok {
			if kind != exifDir {
				if tg2, ok2 := exifTags[e.Tag]; ok2 {
					tg, ok = tg2, true // EXIF tags misplaced in IFD0 still leak
				}
			}
		}
		if !ok {
			tg = tagInfo{fmt.Sprintf("Tag 0x%04X", e.Tag), metadata.Other, metadata.Low}
		}
		v := valueText(t, e)
		if tg.cat == metadata.Time && e.Type == 2 {
			v = exifDate(v)
			if kind == exifDir {
				var o string
				switch e.Tag {
				case 0x9003:
					o = offsets[0x9011]
				case 0x9004:
					o = offsets[0x9012]
				}
				if o != "" {
					v += " " + o
				}
			}
			if kind != exifDir && e.Tag == 0x0132 {
				if o := offsets[0x9010]; o != "" {
					v += " " + o
				}
			}
		}
		if e.Tag == 0x8482 || e.Tag == 0x830E || e.Tag == 0x85D8 {
			v = geoTIFFValue(t, e)
		}
		v = exifDisplay(t, e, v)
		in.add(tg.cat, tg.sev, where, tg.name, v)
	}
	if kind == ifd1Dir || (kind == ifd0Dir && w.where != "TIFF" && index > 0) {
		in.thumbnail(t, where, thumbOff, thumbLen, stripOffs, stripLens)
	} else if kind == subIFDDir || (kind == ifd0Dir && index > 0) {
		in.add(metadata.HiddenImages, metadata.High, where, "Additional image (preview or page)", fmt.Sprintf("image %d in the TIFF file", index))
	} else if thumbOff >= 0 && thumbLen > 0 && w.where != "TIFF" {
		// JPEGInterchangeFormat outside IFD1: an embedded preview.
		in.thumbnail(t, where, thumbOff, thumbLen, nil, nil)
	}
}

// thumbnail reports the EXIF thumbnail described by IFD1.
func (in *inspector) thumbnail(t *ifd.TIFF, where string, off, n int64, strips, lens []uint64) {
	switch {
	case off >= 0 && n > 0:
		if off+n <= int64(len(t.B)) {
			th := t.B[off : off+n]
			in.add(metadata.HiddenImages, metadata.High, where, "EXIF thumbnail", imageDesc(th)+"; "+in.thumbNoteAt(where, th))
		} else {
			in.add(metadata.HiddenImages, metadata.High, where, "EXIF thumbnail", fmt.Sprintf("%s claimed, lies outside the EXIF block", sizeText(int(min(n, math.MaxInt32)))))
		}
	case len(strips) > 0:
		total := 0
		for _, l := range lens {
			total += int(min(l, math.MaxInt32))
		}
		in.add(metadata.HiddenImages, metadata.High, where, "EXIF thumbnail", fmt.Sprintf("uncompressed, %s (may show the original, uncropped image)", sizeText(total)))
	default:
		in.add(metadata.HiddenImages, metadata.Medium, where, "EXIF thumbnail directory", "present, no image data")
	}
}

// userComment decodes EXIF UserComment (8-byte character code, then text).
func userComment(b []byte, bo binary.ByteOrder) string {
	if len(b) < 8 {
		return strings.TrimSpace(asciiText(b))
	}
	code, body := string(b[:8]), b[8:]
	switch {
	case strings.HasPrefix(code, "UNICODE"):
		s := utf16Text(body, bo)
		if s == "" || !isPrintable(s) {
			// Writers disagree on the byte order: try the other one.
			other := binary.ByteOrder(binary.LittleEndian)
			if bo == binary.LittleEndian {
				other = binary.BigEndian
			}
			s = utf16Text(body, other)
		}
		return s
	case strings.HasPrefix(code, "ASCII"), strings.HasPrefix(code, "\x00\x00\x00\x00\x00\x00\x00\x00"), strings.HasPrefix(code, "JIS"):
		return strings.Trim(asciiText(body), " \x00")
	}
	if looksText(b) {
		return asciiText(b)
	}
	return ""
}

func isPrintable(s string) bool {
	for _, r := range s {
		if r < 0x20 || (r >= 0xD800 && r < 0xE000) || r == 0xFFFD {
			return false
		}
	}
	return true
}

// exifDate turns EXIF "2021:04:11 15:47:53" into "2021-04-11 15:47:53".
func exifDate(s string) string {
	if len(s) >= 10 && s[4] == ':' && s[7] == ':' {
		return s[:4] + "-" + s[5:7] + "-" + s[8:]
	}
	return s
}

// gpsEntries combines the GPS IFD into position, altitude and time findings, and
// reports the rest tag by tag.
func (w *exifWalk) gpsEntries(es []ifd.Entry, where string) {
	in, t := w.in, w.t
	if len(es) > 0 {
		w.gps = true
	}
	var latRef, lonRef, altRef, date string
	var lat, lon, alt, tm []float64
	altRefSet := false
	var destLat, destLon []float64
	var destLatRef, destLonRef string
	for _, e := range es {
		switch e.Tag {
		case 0x0001:
			latRef = asciiText(e.Value)
		case 0x0002:
			lat = t.Floats(e, 3)
		case 0x0003:
			lonRef = asciiText(e.Value)
		case 0x0004:
			lon = t.Floats(e, 3)
		case 0x0005:
			if v := t.Uints(e, 1); len(v) == 1 {
				altRefSet = true
				if v[0] == 1 {
					altRef = "below"
				}
			}
		case 0x0006:
			alt = t.Floats(e, 1)
		case 0x0007:
			tm = t.Floats(e, 3)
		case 0x001D:
			date = exifDate(asciiText(e.Value))
		case 0x0013:
			destLatRef = asciiText(e.Value)
		case 0x0014:
			destLat = t.Floats(e, 3)
		case 0x0015:
			destLonRef = asciiText(e.Value)
		case 0x0016:
			destLon = t.Floats(e, 3)
		default:
			tg, ok := gpsTags[e.Tag]
			if !ok {
				tg = tagInfo{fmt.Sprintf("GPS tag 0x%04X", e.Tag), metadata.Location, metadata.Medium}
			}
			v := valueText(t, e)
			if e.Tag == 0x001B || e.Tag == 0x001C {
				v = userComment(e.Value, t.Order)
			}
			if e.Tag == 0x0000 {
				v = strings.ReplaceAll(v, ", ", ".")
			}
			in.add(tg.cat, tg.sev, where, tg.name, v)
		}
	}
	if lat != nil || lon != nil {
		in.add(metadata.Location, metadata.High, where, "GPS position", latLon(lat, latRef, lon, lonRef))
	} else if latRef != "" || lonRef != "" {
		in.add(metadata.Location, metadata.Medium, where, "GPS position", "reference only, no coordinates")
	}
	if len(alt) == 1 {
		if altRef == "" {
			altRef = "above"
		}
		in.add(metadata.Location, metadata.High, where, "GPS altitude", fmt.Sprintf("%s m %s sea level", strconv.FormatFloat(alt[0], 'f', 1, 64), altRef))
	} else if altRefSet {
		in.add(metadata.Location, metadata.Low, where, "GPS altitude", "reference only, no altitude")
	}
	if len(tm) == 3 || date != "" {
		v := date
		if len(tm) == 3 {
			sec := tm[2]
			clock := fmt.Sprintf("%02d:%02d:%02d", int(tm[0]), int(tm[1]), int(sec))
			if v != "" {
				v += " "
			}
			v += clock
		}
		in.add(metadata.Time, metadata.High, where, "GPS date/time (UTC)", v+" UTC")
	}
	if destLat != nil || destLon != nil {
		in.add(metadata.Location, metadata.High, where, "GPS destination", latLon(destLat, destLatRef, destLon, destLonRef))
	}
}

// latLon renders a position as signed decimal degrees.
func latLon(lat []float64, latRef string, lon []float64, lonRef string) string {
	f := func(v []float64, ref string, neg string) string {
		d, ok := degrees(v)
		if !ok {
			return "?"
		}
		if strings.HasPrefix(strings.ToUpper(ref), neg) {
			d = -d
		}
		return strconv.FormatFloat(d, 'f', 6, 64)
	}
	return f(lat, latRef, "S") + ", " + f(lon, lonRef, "W")
}

// degrees converts degrees, minutes, seconds to decimal degrees.
func degrees(v []float64) (float64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	d := v[0]
	if len(v) > 1 {
		d += v[1] / 60
	}
	if len(v) > 2 {
		d += v[2] / 3600
	}
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return 0, false
	}
	return d, true
}

// geoTIFFValue renders GeoTIFF tie points and scales as numbers.
func geoTIFFValue(t *ifd.TIFF, e ifd.Entry) string {
	fs := t.Floats(e, 16)
	var parts []string
	for _, f := range fs {
		parts = append(parts, strconv.FormatFloat(f, 'f', -1, 64))
	}
	s := strings.Join(parts, ", ")
	if e.Tag == 0x8482 && len(fs) >= 6 {
		s = fmt.Sprintf("raster (%g, %g) = model (%s, %s)", fs[0], fs[1], strconv.FormatFloat(fs[3], 'f', 6, 64), strconv.FormatFloat(fs[4], 'f', 6, 64))
	}
	return s
}

// plausible returns the leading entries of a damaged directory that look
// real: strictly ascending tags of known types.
func plausible(es []ifd.Entry) []ifd.Entry {
	for i, e := range es {
		if ifd.TypeSize(e.Type) == 0 || (i > 0 && e.Tag <= es[i-1].Tag) {
			return es[:i]
		}
	}
	return es
}

// orphanGPS scans a damaged TIFF structure for a directory that can only
// be a GPS IFD (ascending GPS tags of valid types, with a latitude or
// longitude) and returns its offset, or 0.
func orphanGPS(t *ifd.TIFF, seen map[uint32]bool) uint32 {
	b := t.B
	for o := 8; o+2 <= len(b) && o < 1<<20; o += 2 {
		n := int(t.Order.Uint16(b[o:]))
		if n < 2 || n > 32 || o+2+12*n > len(b) || seen[uint32(o)] {
			continue
		}
		ok, pos := true, false
		prev := -1
		for i := 0; i < n && ok; i++ {
			e := b[o+2+12*i:]
			tag, typ := int(t.Order.Uint16(e)), int(t.Order.Uint16(e[2:]))
			ok = tag > prev && tag <= 0x1F && typ >= 1 && typ <= 12
			pos = pos || tag == 2 || tag == 4
			prev = tag
		}
		if ok && pos {
			return uint32(o)
		}
	}
	return 0
}

// exifEnums names the values of common enumerated EXIF tags.
var exifEnums = map[uint16]map[uint64]string{
	0x8822: {0: "not defined", 1: "manual", 2: "program AE", 3: "aperture priority", 4: "shutter priority", 5: "creative", 6: "action", 7: "portrait", 8: "landscape"},
	0x9207: {0: "unknown", 1: "average", 2: "center-weighted average", 3: "spot", 4: "multi-spot", 5: "multi-segment", 6: "partial", 255: "other"},
	0x9208: {0: "unknown", 1: "daylight", 2: "fluorescent", 3: "tungsten", 4: "flash", 9: "fine weather", 10: "cloudy", 11: "shade", 17: "standard light A", 255: "other"},
	0xA217: {1: "not defined", 2: "one-chip colour area", 3: "two-chip colour area", 4: "three-chip colour area", 5: "colour sequential area", 7: "trilinear", 8: "colour sequential linear"},
	0xA300: {1: "film scanner", 2: "reflection print scanner", 3: "digital camera"},
	0xA301: {1: "directly photographed"},
	0xA401: {0: "normal", 1: "custom", 2: "HDR", 3: "HDR", 4: "normal", 6: "panorama", 7: "portrait HDR", 8: "portrait"},
	0xA402: {0: "auto", 1: "manual", 2: "auto bracket"},
	0xA403: {0: "auto", 1: "manual"},
	0xA406: {0: "standard", 1: "landscape", 2: "portrait", 3: "night"},
	0xA407: {0: "none", 1: "low gain up", 2: "high gain up", 3: "low gain down", 4: "high gain down"},
	0xA408: {0: "normal", 1: "low", 2: "high"},
	0xA409: {0: "normal", 1: "low", 2: "high"},
	0xA40A: {0: "normal", 1: "soft", 2: "hard"},
	0xA40C: {0: "unknown", 1: "macro", 2: "close", 3: "distant"},
	0xA210: {1: "none", 2: "inches", 3: "cm", 4: "mm", 5: "µm"},
	0xA460: {0: "unknown", 1: "not a composite", 2: "general composite", 3: "composite captured while shooting"},
}

// exifDisplay renders well-known EXIF values the way cameras describe
// them (f/2.8, 1/250 s, 4.2 mm, "program AE"); other values pass through.
func exifDisplay(t *ifd.TIFF, e ifd.Entry, v string) string {
	if m, ok := exifEnums[e.Tag]; ok {
		if u := t.Uints(e, 1); len(u) == 1 {
			if name, ok := m[u[0]]; ok {
				return name
			}
		}
		return v
	}
	switch e.Tag {
	case 0x829A: // ExposureTime
		return v + " s"
	case 0x829D: // FNumber
		if f := t.Floats(e, 1); len(f) == 1 && f[0] > 0 && f[0] < 1000 {
			return "f/" + strconv.FormatFloat(f[0], 'f', -1, 64)
		}
	case 0x920A: // FocalLength
		if f := t.Floats(e, 1); len(f) == 1 {
			return strconv.FormatFloat(f[0], 'f', -1, 64) + " mm"
		}
	case 0xA405: // FocalLengthIn35mmFormat
		return v + " mm"
	case 0x9209: // Flash
		if u := t.Uints(e, 1); len(u) == 1 {
			if u[0]&1 == 1 {
				return "fired"
			}
			return "did not fire"
		}
	case 0x9000, 0xA000:
		return asciiText(e.Value)
	}
	return v
}
