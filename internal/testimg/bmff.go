package testimg

import (
	"bytes"
	"encoding/binary"
)

// Box returns an ISO-BMFF box with a 32-bit size.
func Box(typ string, payload ...[]byte) []byte {
	p := bytes.Join(payload, nil)
	return append(append(binary.BigEndian.AppendUint32(nil, uint32(8+len(p))), typ...), p...)
}

// FullBox returns a box whose payload starts with a version and zero flags.
func FullBox(typ string, version byte, payload ...[]byte) []byte {
	return Box(typ, append([]byte{version, 0, 0, 0}, bytes.Join(payload, nil)...))
}

// FtypHEIC is the ftyp box of an iPhone HEIC.
func FtypHEIC() []byte { return Box("ftyp", []byte("heic"), BE32(0), []byte("mif1heic")) }

// Infe is an item info entry (version 2) with the given id, type and name;
// extra follows the name (a mime item's content type, NUL-terminated).
func Infe(id uint16, typ, name string, extra ...[]byte) []byte {
	return FullBox("infe", 2, BE16(id), BE16(0), []byte(typ), []byte(name+"\x00"), bytes.Join(extra, nil))
}

// HEIFSkeleton is a HEIF without coded image data: a primary hvc1 item (1)
// with an irot, its thumbnail (2), a depth map (3), an Exif item (4) naming
// Leaky and an XMP item (5), their data in mdat at the end.
func HEIFSkeleton() []byte {
	exif := append([]byte{0, 0, 0, 6}, append([]byte("Exif\x00\x00"), EXIF([]Entry{ASCII(0x013B, Leaky)}, nil, nil)...)...)
	xmp := []byte("<x:xmpmeta>" + Leaky + "</x:xmpmeta>")
	iinf := FullBox("iinf", 0, BE16(5), Infe(1, "hvc1", ""), Infe(2, "hvc1", ""), Infe(3, "hvc1", ""), Infe(4, "Exif", ""),
		Infe(5, "mime", "", []byte("application/rdf+xml\x00")))
	iref := FullBox("iref", 0, Box("thmb", BE16(2), BE16(1), BE16(1)), Box("auxl", BE16(3), BE16(1), BE16(1)),
		Box("cdsc", BE16(4), BE16(1), BE16(1)))
	ipco := Box("ipco", Box("irot", []byte{1}), FullBox("auxC", 0, []byte("urn:com:apple:photo:2020:aux:depth\x00")))
	ipma := FullBox("ipma", 0, BE32(2), BE16(1), []byte{1, 0x81}, BE16(3), []byte{1, 0x82})
	ftyp := FtypHEIC()
	build := func(mdatAt uint32) []byte {
		iloc := FullBox("iloc", 0, []byte{0x44, 0x00}, BE16(2),
			BE16(4), BE16(0), BE16(1), BE32(mdatAt+8), BE32(uint32(len(exif))),
			BE16(5), BE16(0), BE16(1), BE32(mdatAt+8+uint32(len(exif))), BE32(uint32(len(xmp))))
		meta := FullBox("meta", 0, FullBox("hdlr", 0, BE32(0), []byte("pict"), make([]byte, 13)),
			FullBox("pitm", 0, BE16(1)), iinf, iref, Box("iprp", ipco, ipma), iloc)
		return append(append([]byte{}, ftyp...), meta...)
	}
	head := build(0)
	head = build(uint32(len(head)))
	return append(head, Box("mdat", exif, xmp)...)
}

// HEIFWithEXIF is a HEIF whose primary item (1) has coded data, hvcC, ispe
// (64x48), irot and a personal colour profile, around a thumbnail (2), a
// depth map (3), an Exif item (4) holding tiff as iPhones store it (a 6-byte
// offset past "Exif\0\0" to the TIFF header) and an XMP item (5); every item
// is named Leaky, iloc comes before iinf (box order is free) and a udta box
// follows mdat.
func HEIFWithEXIF(tiff []byte) []byte {
	exif := append([]byte{0, 0, 0, 6}, append([]byte("Exif\x00\x00"), tiff...)...)
	xmp := []byte("<x:xmpmeta>" + Leaky + "</x:xmpmeta>")
	data := [][]byte{[]byte("CODED-IMAGE"), []byte("THUMB"), []byte("DEPTH"), exif, xmp}
	iinf := FullBox("iinf", 0, BE16(5), Infe(1, "hvc1", Leaky), Infe(2, "hvc1", Leaky), Infe(3, "hvc1", Leaky),
		Infe(4, "Exif", Leaky), Infe(5, "mime", Leaky, []byte("application/rdf+xml\x00")))
	iref := FullBox("iref", 0, Box("thmb", BE16(2), BE16(1), BE16(1)), Box("auxl", BE16(3), BE16(1), BE16(1)),
		Box("cdsc", BE16(4), BE16(1), BE16(1)))
	ipco := Box("ipco", Box("hvcC", []byte{1, 2, 3}), FullBox("ispe", 0, BE32(64), BE32(48)), Box("irot", []byte{1}),
		FullBox("auxC", 0, []byte("urn:com:apple:photo:2020:aux:depth\x00")), Box("colr", []byte("prof"), ICC("Jane's monitor", Leaky)))
	ipma := FullBox("ipma", 0, BE32(3), BE16(1), []byte{4, 0x81, 0x02, 0x03, 0x05}, BE16(2), []byte{1, 0x81}, BE16(3), []byte{2, 0x81, 0x04})
	ftyp := FtypHEIC()
	build := func(mdatAt uint32) []byte {
		il := [][]byte{{0x44, 0x00}, BE16(5)}
		off := mdatAt + 8
		for k, d := range data {
			il = append(il, BE16(uint16(k+1)), BE16(0), BE16(1), BE32(off), BE32(uint32(len(d))))
			off += uint32(len(d))
		}
		iloc := FullBox("iloc", 0, il...)
		meta := FullBox("meta", 0, FullBox("hdlr", 0, BE32(0), []byte("pict"), make([]byte, 12), []byte(Leaky+"\x00")),
			FullBox("pitm", 0, BE16(1)), iloc, iinf, iref, Box("iprp", ipco, ipma))
		return append(append([]byte{}, ftyp...), meta...)
	}
	head := build(0)
	head = build(uint32(len(head)))
	head = append(head, Box("mdat", data...)...)
	return append(head, Box("udta", []byte(Leaky))...)
}

// HEIFWithImage is HEIFWithEXIF with an Exif item that names Leaky as the
// artist.
func HEIFWithImage() []byte {
	return HEIFWithEXIF(EXIF([]Entry{ASCII(0x013B, Leaky)}, nil, nil))
}
