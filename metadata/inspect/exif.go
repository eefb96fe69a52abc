package inspect

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/metadata"
)

// IFD kinds, used to pick the tag table and the Where of findings.
const (
	ifd0Dir = iota
	ifd1Dir
	exifDir
	gpsDir
	interopDir
	subIFDDir
)

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
	if kind == gpsDir {
		w.gpsEntries(es, where)
		return
	}
	table := dirTags[kind]
	zones := timeZones(es, kind)
	img := dirImage{off: -1, n: -1}
	bad := 0
	for _, e := range es {
		if _, known := table[e.Tag]; ifd.TypeSize(e.Type) == 0 || e.Value == nil && !known && e.Tag != ifd.MakerNote {
			bad++
			continue
		}
		switch {
		case w.pointer(e, &img), w.embedded(e, where):
		case kind == ifd1Dir:
			// Everything else in IFD1 describes the thumbnail; text tags are worth naming.
			if tg, ok := tiffTags[e.Tag]; ok && e.Type == ifd.ASCII {
				w.in.add(tg.cat, tg.sev, where, tg.name, valueText(w.t, e))
			}
		case !ifd.Structural(e.Tag):
			w.tag(e, kind, table, zones, where)
		}
	}
	w.images(kind, index, where, img)
	if bad > 0 && !w.broken {
		w.broken = true
		w.in.add(metadata.Other, metadata.Medium, where, "Unreadable EXIF", fmt.Sprintf("%d damaged entries", bad))
	}
}

// dirTags are the tag tables of the kinds of IFD (GPS is read apart).
var dirTags = map[int]map[uint16]tagInfo{
	ifd0Dir: tiffTags, ifd1Dir: tiffTags, subIFDDir: tiffTags, exifDir: exifTags, interopDir: interopTags,
}

// timeZones returns the time-zone offsets an Exif IFD gives its dates.
func timeZones(es []ifd.Entry, kind int) map[uint16]string {
	zones := map[uint16]string{}
	for _, e := range es {
		switch e.Tag {
		case ifd.OffsetTime, ifd.OffsetTimeOriginal, ifd.OffsetTimeDigitized:
			if kind == exifDir && e.Type == ifd.ASCII && e.Value != nil {
				zones[e.Tag] = asciiText(e.Value)
			}
		}
	}
	return zones
}

// dirImage is what an IFD says of an image stored with it: an embedded
// JPEG (offset and length) or uncompressed strips.
type dirImage struct {
	off, n       int64
	strips, lens []uint64
}

// pointer follows a pointer to another IFD, or notes where the directory's
// image data is; it reports whether e was one of those.
func (w *exifWalk) pointer(e ifd.Entry, img *dirImage) bool {
	v := w.t.Uints(e, 1)
	switch e.Tag {
	case ifd.ExifIFD, ifd.GPSIFD, ifd.InteropIFD:
		if len(v) == 1 {
			w.walk(uint32(v[0]), map[uint16]int{ifd.ExifIFD: exifDir, ifd.GPSIFD: gpsDir, ifd.InteropIFD: interopDir}[e.Tag], 0)
		}
	case ifd.SubIFDs:
		for i, off := range w.t.Uints(e, 16) {
			w.walk(uint32(off), subIFDDir, i+1)
		}
	case ifd.JPEGInterchangeFormat:
		if len(v) == 1 {
			img.off = int64(v[0])
		}
	case ifd.JPEGInterchangeFormatLength:
		if len(v) == 1 {
			img.n = int64(v[0])
		}
	case ifd.StripOffsets:
		img.strips = w.t.Uints(e, 4096)
	case ifd.StripByteCounts:
		img.lens = w.t.Uints(e, 4096)
	default:
		return false
	}
	return true
}

// xpUserComment is a second user comment some Windows tools write.
const xpUserComment = 0x9C00

// embedded reports the structures and texts stored in one entry (a
// MakerNote, XMP, IPTC, Photoshop resources, a colour profile, Windows XP
// texts, a user comment); it reports whether e was one of those.
func (w *exifWalk) embedded(e ifd.Entry, where string) bool {
	in := w.in
	switch e.Tag {
	case ifd.MakerNote:
		in.makerNote(w.t, e, w.where, w.depth)
		return true
	case ifd.XMP, ifd.IPTC, ifd.Photoshop, ifd.ICCProfile, ifd.XPTitle, ifd.XPComment, ifd.XPAuthor, ifd.XPKeywords, ifd.XPSubject,
		ifd.UserComment, xpUserComment:
	default:
		return false
	}
	if e.Value == nil {
		return true
	}
	switch e.Tag {
	case ifd.XMP:
		in.xmp(e.Value, where+" XMP", w.depth+1)
	case ifd.IPTC:
		in.iptc(e.Value, where+" IPTC")
	case ifd.Photoshop:
		in.irb(e.Value, where+" Photoshop", w.depth+1)
	case ifd.ICCProfile:
		in.iccProfile(e.Value, where+" ICC profile")
	case ifd.UserComment, xpUserComment:
		if s := userComment(e.Value, w.t.Order); s != "" {
			in.add(metadata.Other, metadata.Medium, where, "User comment", s)
		} else {
			in.add(metadata.Other, metadata.Low, where, "User comment", "(empty)")
		}
	default: // Windows XP texts, in UTF-16
		tg := tiffTags[e.Tag]
		in.add(tg.cat, tg.sev, where, tg.name, utf16Text(e.Value, binary.LittleEndian))
	}
	return true
}

// tag reports one tag by its table: an EXIF tag misplaced in IFD0 is still
// named, dates get their time zone, GeoTIFF and well-known values are
// rendered for people.
func (w *exifWalk) tag(e ifd.Entry, kind int, table map[uint16]tagInfo, zones map[uint16]string, where string) {
	tg, ok := table[e.Tag]
	if !ok && kind != exifDir {
		tg, ok = exifTags[e.Tag] // EXIF tags misplaced in IFD0 still leak
	}
	if !ok {
		tg = tagInfo{fmt.Sprintf("Tag 0x%04X", e.Tag), metadata.Other, metadata.Low}
	}
	v := valueText(w.t, e)
	if tg.cat == metadata.Time && e.Type == ifd.ASCII {
		v = exifDate(v)
		zone := ""
		switch {
		case kind == exifDir && e.Tag == ifd.DateTimeOriginal:
			zone = zones[ifd.OffsetTimeOriginal]
		case kind == exifDir && e.Tag == ifd.DateTimeDigitized:
			zone = zones[ifd.OffsetTimeDigitized]
		case kind != exifDir && e.Tag == ifd.DateTime:
			zone = zones[ifd.OffsetTime]
		}
		if zone != "" {
			v += " " + zone
		}
	}
	switch e.Tag {
	case ifd.ModelTiepoint, ifd.ModelPixelScale, ifd.ModelTransformation:
		v = geoTIFFValue(w.t, e)
	}
	w.in.add(tg.cat, tg.sev, where, tg.name, exifDisplay(w.t, e, v))
}

// images reports the image a directory holds: the thumbnail of IFD1 (or of
// a page of an embedded TIFF), another page or preview of a TIFF file, or a
// preview some cameras point to from another IFD.
func (w *exifWalk) images(kind, index int, where string, img dirImage) {
	switch {
	case kind == ifd1Dir || (kind == ifd0Dir && w.where != "TIFF" && index > 0):
		w.in.thumbnail(w.t, where, img.off, img.n, img.strips, img.lens)
	case kind == subIFDDir || (kind == ifd0Dir && index > 0):
		w.in.add(metadata.HiddenImages, metadata.High, where, "Additional image (preview or page)", fmt.Sprintf("image %d in the TIFF file", index))
	case img.off >= 0 && img.n > 0 && w.where != "TIFF":
		// JPEGInterchangeFormat outside IFD1: an embedded preview.
		w.in.thumbnail(w.t, where, img.off, img.n, nil, nil)
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

// exifDate turns EXIF "2021:04:11 15:47:53" into "2021-04-11 15:47:53".
func exifDate(s string) string {
	if len(s) >= 10 && s[4] == ':' && s[7] == ':' {
		return s[:4] + "-" + s[5:7] + "-" + s[8:]
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
