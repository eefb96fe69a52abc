package metadata

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"sort"
	"testing"

	"codeberg.org/veil/veil/internal/ifd"
)

// Builders of tiny test files. Every test file is made here, in code, so the
// core tests never depend on ../shared.

// testImage is a small image whose pixels all differ, so any pixel change shows.
func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / max(w-1, 1)), uint8(y * 255 / max(h-1, 1)), uint8((x ^ y) * 7), 255})
		}
	}
	return img
}

func encodeJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeGIF(t testing.TB, w, h int) []byte {
	t.Helper()
	pal := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White, color.NRGBA{255, 0, 0, 255}, color.NRGBA{0, 0, 255, 255}})
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			pal.SetColorIndex(x, y, uint8((x+2*y)%4))
		}
	}
	var buf bytes.Buffer
	g := &gif.GIF{Image: []*image.Paletted{pal, pal}, Delay: []int{10, 10}, LoopCount: 0}
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// seg returns a JPEG marker segment with the given payload.
func seg(marker byte, payload ...[]byte) []byte {
	p := bytes.Join(payload, nil)
	n := len(p) + 2
	return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, p...)
}

// insertAfterSOI puts segments right after the SOI marker of a JPEG.
func insertAfterSOI(j []byte, segs ...[]byte) []byte {
	out := append([]byte{}, j[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, j[2:]...)
}

// insertBeforeEOI puts segments just before the final EOI (after the scan).
func insertBeforeEOI(j []byte, segs ...[]byte) []byte {
	out := append([]byte{}, j[:len(j)-2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, 0xFF, 0xD9)
}

// ifdEntry is one tag for tiffBytes.
type ifdEntry struct {
	tag, typ uint16
	count    uint32
	val      []byte // raw value bytes, big-endian
}

func asciiEntry(tag uint16, s string) ifdEntry {
	return ifdEntry{tag, 2, uint32(len(s) + 1), append([]byte(s), 0)}
}

func shortEntry(tag, v uint16) ifdEntry {
	return ifdEntry{tag, 3, 1, []byte{byte(v >> 8), byte(v)}}
}

// tiffBytes builds a big-endian TIFF structure with IFD0 and optional
// ExifIFD and GPS IFD (pointer tags are added automatically).
func tiffBytes(ifd0, exif, gps []ifdEntry) []byte {
	type sub struct {
		entries []ifdEntry
		ptr     uint16
	}
	subs := []sub{{exif, ifd.ExifIFD}, {gps, ifd.GPSIFD}}
	// Layout: header, IFD0, then each sub-IFD, each followed by its out-of-line values.
	var buf bytes.Buffer
	buf.Write([]byte{'M', 'M', 0, 42, 0, 0, 0, 8})
	size := func(es []ifdEntry) int {
		n := 2 + 12*len(es) + 4
		for _, e := range es {
			if len(e.val) > 4 {
				n += len(e.val) + len(e.val)&1
			}
		}
		return n
	}
	all := append([]ifdEntry{}, ifd0...)
	for _, s := range subs {
		if len(s.entries) > 0 {
			all = append(all, ifdEntry{s.ptr, 4, 1, make([]byte, 4)})
		}
	}
	offs := 8 + size(all)
	for i, e := range all {
		for _, s := range subs {
			if e.tag == s.ptr && len(s.entries) > 0 {
				binary.BigEndian.PutUint32(all[i].val, uint32(offs))
				offs += size(s.entries)
			}
		}
	}
	write := func(es []ifdEntry) {
		start := buf.Len()
		data := start + 2 + 12*len(es) + 4
		var extra []byte
		binary.Write(&buf, binary.BigEndian, uint16(len(es)))
		for _, e := range es {
			binary.Write(&buf, binary.BigEndian, e.tag)
			binary.Write(&buf, binary.BigEndian, e.typ)
			binary.Write(&buf, binary.BigEndian, e.count)
			if len(e.val) <= 4 {
				v := make([]byte, 4)
				copy(v, e.val)
				buf.Write(v)
			} else {
				binary.Write(&buf, binary.BigEndian, uint32(data+len(extra)))
				extra = append(extra, e.val...)
				if len(e.val)&1 == 1 {
					extra = append(extra, 0)
				}
			}
		}
		buf.Write([]byte{0, 0, 0, 0})
		buf.Write(extra)
	}
	write(all)
	for _, s := range subs {
		if len(s.entries) > 0 {
			write(s.entries)
		}
	}
	return buf.Bytes()
}

// pngChunkBytes returns one PNG chunk with a correct CRC.
func pngChunkBytes(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// insertPNG puts chunks after IHDR (before=false: before IEND).
func insertPNG(p []byte, afterIHDR bool, chunks ...[]byte) []byte {
	at := len(p) - 12
	if afterIHDR {
		at = 8 + 25
	}
	out := append([]byte{}, p[:at]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[at:]...)
}

// riff returns one RIFF chunk (with its pad byte).
func riff(fourcc string, data []byte) []byte {
	out := append([]byte(fourcc), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	out = append(out, data...)
	if len(data)&1 == 1 {
		out = append(out, 0)
	}
	return out
}

// webpFile wraps chunks in a RIFF WEBP header.
func webpFile(chunks ...[]byte) []byte {
	body := append([]byte("WEBP"), bytes.Join(chunks, nil)...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

// vp8x returns a VP8X chunk payload with the given flags and canvas size.
func vp8x(flags byte, w, h int) []byte {
	p := []byte{flags, 0, 0, 0}
	p = append(p, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	return append(p, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
}

// gifExt builds a GIF extension block with one data sub-block per part.
func gifExt(label byte, parts ...[]byte) []byte {
	out := []byte{0x21, label}
	for _, p := range parts {
		for len(p) > 0 {
			n := min(len(p), 255)
			out = append(out, byte(n))
			out = append(out, p[:n]...)
			p = p[n:]
		}
	}
	return append(out, 0)
}

// insertGIF puts blocks before the first image descriptor or extension
// following the header and global colour table.
func insertGIF(g []byte, blocks ...[]byte) []byte {
	at := 13
	if g[10]&0x80 != 0 {
		at += 3 << (g[10]&7 + 1)
	}
	out := append([]byte{}, g[:at]...)
	for _, b := range blocks {
		out = append(out, b...)
	}
	return append(out, g[at:]...)
}

// vp8lPixels is the VP8L bitstream of a 3x2 lossless WebP (red with one blue
// pixel), as cwebp/ImageMagick writes it: the smallest real WebP image data.
var vp8lPixels = []byte{0x2f, 0x02, 0x40, 0x00, 0x00, 0x0f, 0x10, 0xf3, 0xbf, 0xff, 0xf3, 0x1f, 0x0e, 0x5e, 0x70, 0x10, 0xd1, 0xff, 0x10}

// vp8Pixels is the VP8 (lossy) bitstream of a 3x2 WebP.
var vp8Pixels = []byte{0xd0, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x03, 0x00, 0x02, 0x00, 0x01, 0x40, 0x26, 0x25, 0xa0, 0x02,
	0x74, 0xba, 0x01, 0xf8, 0x00, 0x03, 0xb0, 0x00, 0xfe, 0xf2, 0xeb, 0x7f, 0xfc, 0xd8, 0x15, 0xcd, 0x73, 0xef, 0xf7, 0xff,
	0xd2, 0xe0, 0xfd, 0x2e, 0x0f, 0xd2, 0xe0, 0xff, 0xd2, 0x90, 0x00, 0x00}

// iccProfile builds a minimal ICC v2 display profile with the given
// description and copyright, plus any extra tag signatures (empty XYZ data).
func iccProfile(desc, cprt string, extra ...string) []byte {
	type tag struct {
		sig  string
		data []byte
	}
	d := append([]byte("desc\x00\x00\x00\x00"), binary.BigEndian.AppendUint32(nil, uint32(len(desc)+1))...)
	d = append(d, desc...)
	d = append(d, 0)
	d = append(d, make([]byte, 4+4+2+1+67)...)
	tags := []tag{{"desc", d}, {"cprt", append(append([]byte("text\x00\x00\x00\x00"), cprt...), 0)}}
	xyz := append([]byte("XYZ \x00\x00\x00\x00"), make([]byte, 12)...)
	tags = append(tags, tag{"wtpt", xyz})
	for _, e := range extra {
		tags = append(tags, tag{e, xyz})
	}
	hdr := make([]byte, 128)
	copy(hdr[8:], []byte{2, 0x10, 0, 0})
	copy(hdr[12:], "mntrRGB XYZ ")
	copy(hdr[36:], "acsp")
	table := binary.BigEndian.AppendUint32(nil, uint32(len(tags)))
	off := 128 + 4 + 12*len(tags)
	var body []byte
	for _, tg := range tags {
		table = append(table, tg.sig...)
		table = binary.BigEndian.AppendUint32(table, uint32(off+len(body)))
		table = binary.BigEndian.AppendUint32(table, uint32(len(tg.data)))
		body = append(body, tg.data...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	p := append(append(hdr, table...), body...)
	binary.BigEndian.PutUint32(p, uint32(len(p)))
	return p
}

// pngICCChunk returns an iCCP chunk holding profile p under the given name.
func pngICCChunk(name string, p []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(p)
	w.Close()
	return pngChunkBytes("iCCP", append([]byte(name+"\x00\x00"), z.Bytes()...))
}

// tiffImage builds an uncompressed 3x2 RGB big-endian TIFF with extra IFD0
// tags and an optional GPS IFD.
func tiffImage(extra []ifdEntry, gps []ifdEntry) []byte {
	return tiffPixels(3, []byte{255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90}, extra, gps)
}

// tiffPixels builds an uncompressed 3x2 8-bit TIFF with spp samples per
// pixel (3 RGB, 4 RGB with associated alpha).
func tiffPixels(spp uint16, pix []byte, extra []ifdEntry, gps []ifdEntry) []byte {
	long := func(tag uint16, v uint32) ifdEntry {
		return ifdEntry{tag, 4, 1, binary.BigEndian.AppendUint32(nil, v)}
	}
	bps := bytes.Repeat([]byte{0, 8}, int(spp))
	build := func(stripAt uint32) []byte {
		es := []ifdEntry{long(0x0100, 3), long(0x0101, 2), {0x0102, 3, uint32(spp), bps},
			shortEntry(0x0103, 1), shortEntry(0x0106, 2), long(0x0111, stripAt), shortEntry(0x0115, spp),
			long(0x0116, 2), long(0x0117, uint32(len(pix)))}
		if spp == 4 {
			es = append(es, shortEntry(0x0152, 1)) // ExtraSamples: associated alpha
		}
		es = append(es, extra...)
		sort.Slice(es, func(i, j int) bool { return es[i].tag < es[j].tag })
		return tiffBytes(es, nil, gps)
	}
	t := build(0)
	t = build(uint32(len(t)))
	return append(t, pix...)
}
