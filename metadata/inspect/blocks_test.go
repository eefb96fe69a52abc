package inspect

import (
	"bytes"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/bmff"
	"codeberg.org/veil/veil/internal/gifblock"
	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/internal/testimg"
	"codeberg.org/veil/veil/photo"
)

func names(bl []block) string {
	var s []string
	for _, b := range bl {
		s = append(s, b.Name)
	}
	return strings.Join(s, ",")
}

func TestBlocksJPEG(t *testing.T) {
	exif := append([]byte("Exif\x00\x00"), testimg.EXIF([]testimg.Entry{testimg.ASCII(0x013B, "Jane Roe")}, nil, nil)...)
	j := testimg.InsertAfterSOI(testimg.JPEG(t, 16, 8),
		testimg.Seg(0xE0, testimg.JFIF),
		testimg.Seg(0xE0, []byte("JFXX\x00\x10")),
		testimg.Seg(0xE1, exif),
		testimg.Seg(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>")),
		testimg.Seg(0xE2, []byte("ICC_PROFILE\x00\x01\x01junk")),
		testimg.Seg(0xEB, []byte("JP\x00\x01jumb")),
		testimg.Seg(0xED, []byte("Photoshop 3.0\x008BIM")),
		testimg.Seg(0xE5, []byte("RMETA\x00x")),
		testimg.Seg(0xE7, []byte{0, 1, 2}),
		testimg.Seg(0xFE, []byte("a comment")),
	)
	j = testimg.InsertBeforeEOI(j, testimg.Seg(0xE3, []byte("late\x00")))
	j = append(j, "TRAILER"...)
	f, bl, err := listBlocks(j)
	if err != nil || f != photo.JPEG {
		t.Fatalf("listBlocks: %v %v", f, err)
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
	if last.Kind != trailerBlock || string(last.Data) != "TRAILER" || last.Offset != len(j)-7 {
		t.Errorf("trailer = %+v", last)
	}
	for _, b := range bl {
		if b.Name == "COM" && string(b.Data) != "a comment" {
			t.Errorf("COM data %q", b.Data)
		}
	}
}

func TestBlocksMPFImage(t *testing.T) {
	main := testimg.JPEG(t, 8, 8)
	second := testimg.JPEG(t, 4, 4)
	// MPF index: two entries; offsets are relative to the MPF TIFF header.
	mk := func(off uint32) []byte {
		e := make([]byte, 32)
		putBE32(e[4:], uint32(len(main)))
		putBE32(e[16+4:], uint32(len(second)))
		putBE32(e[16+8:], off)
		return e
	}
	build := func(off uint32) []byte {
		tf := testimg.EXIF([]testimg.Entry{testimg.Undefined(ifd.MPEntry, mk(off))}, nil, nil)
		return testimg.InsertAfterSOI(main, testimg.Seg(0xE2, []byte("MPF\x00"), tf))
	}
	first := build(0)
	mpfStart := 2 + 4 + 4 // SOI, marker+length, "MPF\0"
	j := append(build(uint32(len(first)-mpfStart)), second...)
	_, bl, err := listBlocks(j)
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
	p := testimg.InsertPNG(testimg.PNG(t, 4, 4), false, testimg.Chunk("tEXt", []byte("Author\x00Jane Roe")))
	p = append(p, "tail"...)
	_, bl, err := listBlocks(p)
	if err != nil || !strings.HasSuffix(names(bl), "IDAT,tEXt,IEND,after end of image") {
		t.Errorf("PNG: %s %v", names(bl), err)
	}

	w := testimg.WebP(testimg.RIFF("VP8X", testimg.VP8X(0x0C, 4, 4)), testimg.RIFF("VP8L", []byte{0x2f, 1, 2}), testimg.RIFF("EXIF", []byte("Exif")), testimg.RIFF("XMP ", []byte("<x/>")))
	w = append(w, "junk"...)
	_, bl, err = listBlocks(w)
	if err != nil || names(bl) != "VP8X,VP8L,EXIF,XMP ,after end of image" {
		t.Errorf("WebP: %s %v", names(bl), err)
	}

	g := testimg.InsertGIF(testimg.GIF(t, 4, 4), testimg.GIFExt(0xFE, []byte("Jane Roe")), testimg.GIFExt(0xFF, []byte("XMP DataXMP"), []byte("<x/>")))
	g = append(g, "after"...)
	_, bl, err = listBlocks(g)
	got := names(bl)
	if err != nil || !strings.HasPrefix(got, "header,comment,application XMP DataXMP,application NETSCAPE2.0,") || !strings.HasSuffix(got, "image,after end of image") {
		t.Errorf("GIF: %s %v", got, err)
	}
	for _, b := range bl {
		if b.Name == "comment" && string(gifblock.Join(b.Data)) != "Jane Roe" {
			t.Errorf("GIF comment data %q", gifblock.Join(b.Data))
		}
	}
}

func TestBlocksBadInput(t *testing.T) {
	j := testimg.JPEG(t, 8, 8)
	for name, b := range map[string][]byte{
		"empty":          nil,
		"text":           []byte("hello"),
		"jpeg truncated": j[:len(j)/2],
		"jpeg huge len":  append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, 1, 2, 3),
		"png truncated":  testimg.PNG(t, 4, 4)[:40],
		"webp bad size":  append([]byte("RIFF\xff\xff\xff\x7fWEBP"), testimg.RIFF("VP8L", []byte{1})...),
		"gif truncated":  testimg.GIF(t, 4, 4)[:30],
		"heif bad box":   []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\xff\xff\xff\xffmeta"),
	} {
		if _, _, err := listBlocks(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestBlocksHEIF(t *testing.T) {
	h := testimg.HEIFSkeleton()
	f, bl, err := listBlocks(h)
	if err != nil || f != photo.HEIF {
		t.Fatalf("listBlocks: %v %v", f, err)
	}
	got := map[string]block{}
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
	if d := got["mime item application/rdf+xml"].Data; !bytes.Contains(d, []byte(testimg.Leaky)) {
		t.Errorf("XMP item data %q", d)
	}
	if d := got["Exif item"].Data; !bytes.Contains(d, []byte("Exif\x00\x00MM")) {
		t.Errorf("Exif item data %q", d)
	}
	hf, _ := bmff.ParseHEIF(h)
	if tf := hf.ExifTIFF(h); !bytes.HasPrefix(tf, []byte("MM\x00*")) {
		t.Errorf("exifTIFF did not find the TIFF header")
	}
}
