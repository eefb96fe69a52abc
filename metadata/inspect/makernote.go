package inspect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/metadata"
)

// makerNoteLayout describes a vendor MakerNote layout well enough to read a few
// identifying tags from it.
type makerNoteLayout struct {
	vendor string
	prefix string
	// ifd is where the IFD starts inside the note; base says whether value
	// offsets are relative to the note (true) or to the enclosing TIFF header.
	ifd      int
	relative bool
	// tiffAt >= 0: the note carries its own TIFF header at this offset
	// (offsets relative to it, its own byte order).
	tiffAt int
	// order forces a byte order (Fujifilm is always little-endian).
	order binary.ByteOrder
	tags  map[uint16]tagInfo
}

var serialTag = tagInfo{"Camera serial number", metadata.Device, metadata.High}

var makerNotes = []makerNoteLayout{
	{vendor: "Nikon", prefix: "Nikon\x00\x02", tiffAt: 10, tags: map[uint16]tagInfo{0x001D: serialTag, 0x00A0: serialTag, 0x00A5: {"Shutter count", metadata.Device, metadata.High}, 0x00A7: {"Shutter count", metadata.Device, metadata.High}}},
	{vendor: "Nikon", prefix: "Nikon\x00\x01", ifd: 8, tiffAt: -1},
	{vendor: "Apple", prefix: "Apple iOS\x00", ifd: 14, relative: true, tiffAt: -1, tags: map[uint16]tagInfo{
		0x0003: {"Run time (since the phone started)", metadata.Device, metadata.Medium},
		0x0011: {"Media group UUID (links the Live Photo video)", metadata.Device, metadata.High},
		0x0020: {"Image capture request ID", metadata.Device, metadata.Medium},
		0x002B: {"Photo identifier", metadata.Device, metadata.High},
	}},
	{vendor: "Fujifilm", prefix: "FUJIFILM", ifd: -1, relative: true, tiffAt: -1, order: binary.LittleEndian, tags: map[uint16]tagInfo{0x0010: serialTag}},
	{vendor: "Panasonic", prefix: "Panasonic\x00", ifd: 12, tiffAt: -1, tags: map[uint16]tagInfo{0x0025: serialTag, 0x0051: {"Lens", metadata.Device, metadata.Medium}, 0x0052: {"Lens serial number", metadata.Device, metadata.High}}},
	{vendor: "Sigma", prefix: "SIGMA\x00", ifd: 10, tiffAt: -1, tags: map[uint16]tagInfo{0x0002: serialTag}},
	{vendor: "Sigma", prefix: "FOVEON\x00", ifd: 10, tiffAt: -1, tags: map[uint16]tagInfo{0x0002: serialTag}},
	{vendor: "Pentax", prefix: "AOC\x00", ifd: 6, tiffAt: -1, tags: map[uint16]tagInfo{0x0229: serialTag}},
	{vendor: "Pentax", prefix: "PENTAX \x00", ifd: 10, relative: true, tiffAt: -1, tags: map[uint16]tagInfo{0x0229: serialTag}},
	{vendor: "Olympus", prefix: "OLYMPUS\x00", ifd: 12, relative: true, tiffAt: -1},
	{vendor: "Olympus", prefix: "OLYMP\x00", ifd: 8, tiffAt: -1, tags: map[uint16]tagInfo{0x0404: serialTag}},
	{vendor: "Sony", prefix: "SONY", ifd: 12, tiffAt: -1},
	{vendor: "Samsung", prefix: "SAMSUNG", tiffAt: -1},
	{vendor: "Canon", tiffAt: -1, tags: map[uint16]tagInfo{
		0x0009: {"Owner name", metadata.People, metadata.High},
		0x000C: serialTag,
		0x0096: {"Internal serial number", metadata.Device, metadata.High},
		0x0007: {"Firmware version", metadata.Software, metadata.Low},
	}},
}

// makerNote reports a MakerNote: its presence and size always (the cleaner drops it
// whole), and for a few vendors the serial number and owner fields.
func (in *inspector) makerNote(t *ifd.TIFF, e ifd.Entry, where string, depth int) {
	if where == "EXIF" {
		where = "MakerNote"
	} else {
		where += " MakerNote"
	}
	if e.Value == nil {
		in.add(metadata.Device, metadata.Medium, where, "MakerNote", fmt.Sprintf("%s claimed, lies outside the EXIF block", sizeText(int(min(e.Count, 1<<30)))))
		return
	}
	mn := e.Value
	vendor := "unknown maker"
	var layout *makerNoteLayout
	for i := range makerNotes {
		l := &makerNotes[i]
		if l.prefix != "" && bytes.HasPrefix(mn, []byte(l.prefix)) {
			layout, vendor = l, l.vendor
			break
		}
	}
	if layout == nil {
		switch make := cameraMake(t); {
		case strings.HasPrefix(strings.ToLower(make), "canon"):
			layout, vendor = &makerNotes[len(makerNotes)-1], "Canon"
		case make != "":
			vendor = make
		}
	}
	in.add(metadata.Device, metadata.Medium, where, "MakerNote", fmt.Sprintf("%s, %s of camera-private data (may hold serial numbers, owner name, face data)", vendor, sizeText(len(mn))))
	if layout == nil || layout.tags == nil {
		return
	}
	in.guard(where, "MakerNote", func() { in.makerNoteTags(t, mn, layout, where) })
}

func (in *inspector) makerNoteTags(t *ifd.TIFF, mn []byte, l *makerNoteLayout, where string) {
	var nt *ifd.TIFF
	var off uint32
	switch {
	case l.tiffAt >= 0:
		var err error
		if nt, err = ifd.Parse(mn[min(l.tiffAt, len(mn)):]); err != nil {
			return
		}
		off = nt.Order.Uint32(nt.B[4:])
	case l.relative:
		bo := t.Order
		if l.order != nil {
			bo = l.order
		}
		start := l.ifd
		if l.ifd < 0 { // Fujifilm: the IFD offset follows the prefix
			if len(mn) < 12 {
				return
			}
			start = int(binary.LittleEndian.Uint32(mn[8:]))
		}
		nt, off = ifd.Headerless(mn, bo), uint32(start)
		if bytes.HasPrefix(mn, []byte("Apple iOS")) && len(mn) >= 16 {
			if string(mn[12:14]) == "II" {
				nt.Order = binary.LittleEndian
			} else {
				nt.Order = binary.BigEndian
			}
		}
	default:
		// Offsets relative to the enclosing TIFF header: find the note in it.
		base := bytes.Index(t.B, mn)
		if base < 0 {
			return
		}
		nt, off = t, uint32(base+l.ifd)
	}
	if off < 8 && !l.relative {
		return
	}
	es, _, _ := nt.IFD(off)
	for _, e := range es {
		tg, ok := l.tags[e.Tag]
		if !ok || e.Value == nil {
			continue
		}
		v := valueText(nt, e)
		if e.Type == ifd.Undefined && looksText(e.Value) {
			v = asciiText(e.Value)
		}
		if e.Tag == 0x0003 && l.vendor == "Apple" {
			v = sizeText(len(e.Value)) + " (property list)"
		}
		if strings.TrimSpace(v) == "" || v == "0" {
			continue
		}
		in.add(tg.cat, tg.sev, where, tg.name, v)
	}
}

// cameraMake returns IFD0's Make, or "".
func cameraMake(t *ifd.TIFF) string {
	if len(t.B) < 8 {
		return ""
	}
	es, _, _ := t.IFD(t.Order.Uint32(t.B[4:]))
	for _, e := range es {
		if e.Tag == ifd.Make && e.Type == ifd.ASCII && e.Value != nil {
			return asciiText(e.Value)
		}
	}
	return ""
}
