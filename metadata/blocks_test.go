package metadata

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"codeberg.org/veil/veil/photo"
)

func names(bl []Block) string {
	var s []string
	for _, b := range bl {
		s = append(s, b.Name)
	}
	return strings.Join(s, ",")
}

// jfif is a standard APP0 JFIF payload without thumbnail.
var jfif = []byte("JFIF\x00\x01\x01\x01\x00\x48\x00\x48\x00\x00")

func TestBlocksJPEG(t *testing.T) {
	exif := append([]byte("Exif\x00\x00"), tiffBytes([]ifdEntry{asciiEntry(0x013B, "Jane Roe")}, nil, nil)...)
	j := insertAfterSOI(encodeJPEG(t, 16, 8),
		seg(0xE0, jfif),
		seg(0xE0, []byte("JFXX\x00\x10")),
		seg(0xE1, exif),
		seg(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>")),
		seg(0xE2, []byte("ICC_PROFILE\x00\x01\x01junk")),
		seg(0xEB, []byte("JP\x00\x01jumb")),
		seg(0xED, []byte("Photoshop 3.0\x008BIM")),
		seg(0xE5, []byte("RMETA\x00x")),
		seg(0xE7, []byte{0, 1, 2}),
		seg(0xFE, []byte("a comment")),
	)
	j = insertBeforeEOI(j, seg(0xE3, []byte("late\x00")))
	j = append(j, "TRAILER"...)
	f, bl, err := Blocks(j)
	if err != nil || f != photo.JPEG {
		t.Fatalf("Blocks: %v %v", f, err)
	}
	got := names(bl)
	for _, want := range []string{
		"SOI,APP0 JFIF,APP0 JFXX,APP1 Exif,APP1 XMP,APP2 ICC_PROFILE,APP11 JUMBF,APP13 Photoshop,APP5 RMETA,APP7,COM,",
		",SOF0,", ",DHT,", ",SOS,APP3 late,EOI,after end of image",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("names %q lack %q", got, want)
		}
	}
	last := bl[len(bl)-1]
	if last.Kind != "trailer" || string(last.Data) != "TRAILER" || last.Offset != len(j)-7 {
		t.Errorf("trailer = %+v", last)
	}
	for _, b := range bl {
		if b.Name == "COM" && string(b.Data) != "a comment" {
			t.Errorf("COM data %q", b.Data)
		}
	}
}

func TestBlocksMPFImage(t *testing.T) {
	main := encodeJPEG(t, 8, 8)
	second := encodeJPEG(t, 4, 4)
	// MPF index: two entries; offsets are relative to the MPF TIFF header.
	mk := func(off uint32) []byte {
		e := make([]byte, 32)
		putBE32(e[4:], uint32(len(main)))
		putBE32(e[16+4:], uint32(len(second)))
		putBE32(e[16+8:], off)
		return e
	}
	build := func(off uint32) []byte {
		tf := tiffBytes([]ifdEntry{{0xB002, 7, 32, mk(off)}}, nil, nil)
		return insertAfterSOI(main, seg(0xE2, []byte("MPF\x00"), tf))
	}
	first := build(0)
	mpfStart := 2 + 4 + 4 // SOI, marker+length, "MPF\0"
	j := append(build(uint32(len(first)-mpfStart)), second...)
	_, bl, err := Blocks(j)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, b := range bl {
		if b.Name == "MPF image 2" {
			found = b.Offset == len(first) && len(b.Data) == len(second)
		}
	}
	if !found {
		t.Errorf("MPF image 2 not located: %s", names(bl))
	}
}

func putBE32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
}

func TestBlocksPNGWebPGIF(t *testing.T) {
	p := insertPNG(encodePNG(t, 4, 4), false, pngChunkBytes("tEXt", []byte("Author\x00Jane Roe")))
	p = append(p, "tail"...)
	_, bl, err := Blocks(p)
	if err != nil || !strings.HasSuffix(names(bl), "IDAT,tEXt,IEND,after end of image") {
		t.Errorf("PNG: %s %v", names(bl), err)
	}

	w := webpFile(riff("VP8X", vp8x(0x0C, 4, 4)), riff("VP8L", []byte{0x2f, 1, 2}), riff("EXIF", []byte("Exif")), riff("XMP ", []byte("<x/>")))
	w = append(w, "junk"...)
	_, bl, err = Blocks(w)
	if err != nil || names(bl) != "VP8X,VP8L,EXIF,XMP ,after end of image" {
		t.Errorf("WebP: %s %v", names(bl), err)
	}

	g := insertGIF(encodeGIF(t, 4, 4), gifExt(0xFE, []byte("Jane Roe")), gifExt(0xFF, []byte("XMP DataXMP"), []byte("<x/>")))
	g = append(g, "after"...)
	_, bl, err = Blocks(g)
	got := names(bl)
	if err != nil || !strings.HasPrefix(got, "header,comment,application XMP DataXMP,application NETSCAPE2.0,") || !strings.HasSuffix(got, "image,after end of image") {
		t.Errorf("GIF: %s %v", got, err)
	}
	for _, b := range bl {
		if b.Name == "comment" && string(JoinSubBlocks(b.Data)) != "Jane Roe" {
			t.Errorf("GIF comment data %q", JoinSubBlocks(b.Data))
		}
	}
}

func TestBlocksTIFF(t *testing.T) {
	tf := tiffBytes([]ifdEntry{shortEntry(0x0100, 1), asciiEntry(0x013B, "Jane Roe"), asciiEntry(0x010F, "Cam")},
		[]ifdEntry{asciiEntry(0x9003, "2025:01:01 00:00:00")}, []ifdEntry{shortEntry(1, 0)})
	_, bl, err := Blocks(tf)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(bl); got != "IFD0 Artist,IFD0 Make,ExifIFD,GPS IFD" {
		t.Errorf("TIFF names %q", got)
	}
	if string(bl[0].Data) != "Jane Roe\x00" {
		t.Errorf("Artist data %q", bl[0].Data)
	}
}

func TestBlocksBadInput(t *testing.T) {
	j := encodeJPEG(t, 8, 8)
	for name, b := range map[string][]byte{
		"empty":          nil,
		"text":           []byte("hello"),
		"jpeg truncated": j[:len(j)/2],
		"jpeg huge len":  append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, 1, 2, 3),
		"png truncated":  encodePNG(t, 4, 4)[:40],
		"webp bad size":  append([]byte("RIFF\xff\xff\xff\x7fWEBP"), riff("VP8L", []byte{1})...),
		"gif truncated":  encodeGIF(t, 4, 4)[:30],
		"tiff loop":      []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x00\x00\x00\x00\x08"),
		"heif bad box":   []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\xff\xff\xff\xffmeta"),
	} {
		if _, _, err := Blocks(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func box(typ string, payload ...[]byte) []byte {
	p := bytes.Join(payload, nil)
	return append(append(binary.BigEndian.AppendUint32(nil, uint32(8+len(p))), typ...), p...)
}

func fullBox(typ string, version byte, payload ...[]byte) []byte {
	return box(typ, append([]byte{version, 0, 0, 0}, bytes.Join(payload, nil)...))
}

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// heifFixture builds a HEIF skeleton: a primary hvc1 item (1) with an irot,
// its thumbnail (2), a depth map (3), an Exif item (4) and an XMP item (5),
// their data in mdat at the end.
func heifFixture() []byte {
	exif := append([]byte{0, 0, 0, 6}, append([]byte("Exif\x00\x00"), tiffBytes([]ifdEntry{asciiEntry(0x013B, leaky)}, nil, nil)...)...)
	xmp := []byte("<x:xmpmeta>" + leaky + "</x:xmpmeta>")
	infe := func(id uint16, typ string, extra ...[]byte) []byte {
		return fullBox("infe", 2, be16(id), be16(0), []byte(typ), []byte("\x00"), bytes.Join(extra, nil))
	}
	iinf := fullBox("iinf", 0, be16(5), infe(1, "hvc1"), infe(2, "hvc1"), infe(3, "hvc1"), infe(4, "Exif"),
		infe(5, "mime", []byte("application/rdf+xml\x00")))
	iref := fullBox("iref", 0, box("thmb", be16(2), be16(1), be16(1)), box("auxl", be16(3), be16(1), be16(1)),
		box("cdsc", be16(4), be16(1), be16(1)))
	ipco := box("ipco", box("irot", []byte{1}), fullBox("auxC", 0, []byte("urn:com:apple:photo:2020:aux:depth\x00")))
	ipma := fullBox("ipma", 0, be32(2), be16(1), []byte{1, 0x81}, be16(3), []byte{1, 0x82})
	ftyp := box("ftyp", []byte("heic"), be32(0), []byte("mif1heic"))
	build := func(mdatAt uint32) []byte {
		iloc := fullBox("iloc", 0, []byte{0x44, 0x00}, be16(2),
			be16(4), be16(0), be16(1), be32(mdatAt+8), be32(uint32(len(exif))),
			be16(5), be16(0), be16(1), be32(mdatAt+8+uint32(len(exif))), be32(uint32(len(xmp))))
		meta := fullBox("meta", 0, fullBox("hdlr", 0, be32(0), []byte("pict"), make([]byte, 13)),
			fullBox("pitm", 0, be16(1)), iinf, iref, box("iprp", ipco, ipma), iloc)
		return append(ftyp, meta...)
	}
	head := build(0)
	head = build(uint32(len(head)))
	return append(head, box("mdat", exif, xmp)...)
}

func TestBlocksHEIF(t *testing.T) {
	h := heifFixture()
	f, bl, err := Blocks(h)
	if err != nil || f != photo.HEIF {
		t.Fatalf("Blocks: %v %v", f, err)
	}
	got := map[string]Block{}
	for _, b := range bl {
		got[b.Name] = b
	}
	for _, want := range []string{"ftyp", "meta", "iinf", "infe", "iloc", "iref", "irot", "auxC", "mdat",
		"primary item hvc1", "thumbnail item", "auxiliary item urn:com:apple:photo:2020:aux:depth", "Exif item",
		"mime item application/rdf+xml"} {
		if _, ok := got[want]; !ok {
			t.Errorf("no block %q in %s", want, names(bl))
		}
	}
	if d := got["mime item application/rdf+xml"].Data; !bytes.Contains(d, []byte(leaky)) {
		t.Errorf("XMP item data %q", d)
	}
	if d := got["Exif item"].Data; !bytes.Contains(d, []byte("Exif\x00\x00MM")) {
		t.Errorf("Exif item data %q", d)
	}
	hf, _ := walkHEIF(h)
	if tf := hf.exifTIFF(h); !bytes.HasPrefix(tf, []byte("MM\x00*")) {
		t.Errorf("exifTIFF did not find the TIFF header")
	}
}
