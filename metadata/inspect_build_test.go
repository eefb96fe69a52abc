package metadata

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"testing"
)

// Builders for the inspector's tests: small, valid containers made in code.

// iEntry is an IFD entry for iTIFF; data is big-endian encoded.
type iEntry struct {
	tag, typ uint16
	count    uint32
	data     []byte
}

// iIFD is an IFD with pointers to sub-IFDs (by pointer tag) and a next IFD.
type iIFD struct {
	entries []iEntry
	sub     map[uint16]*iIFD
	next    *iIFD
	// thumb, when set, is stored and pointed to by 0x0201/0x0202.
	thumb []byte
}

func iASCII(tag uint16, s string) iEntry {
	return iEntry{tag, 2, uint32(len(s) + 1), append([]byte(s), 0)}
}

func iShort(tag uint16, v ...uint16) iEntry {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		binary.BigEndian.PutUint16(b[2*i:], x)
	}
	return iEntry{tag, 3, uint32(len(v)), b}
}

func iRational(tag uint16, v ...uint32) iEntry {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.BigEndian.PutUint32(b[4*i:], x)
	}
	return iEntry{tag, 5, uint32(len(v) / 2), b}
}

func iUndef(tag uint16, b []byte) iEntry { return iEntry{tag, 7, uint32(len(b)), b} }

func iBytes(tag uint16, b ...byte) iEntry { return iEntry{tag, 1, uint32(len(b)), b} }

// iTIFF serialises a big-endian TIFF structure.
func iTIFF(ifd0 *iIFD) []byte {
	buf := []byte("MM\x00\x2a\x00\x00\x00\x08")
	var write func(d *iIFD) uint32
	write = func(d *iIFD) uint32 {
		start := len(buf)
		n := len(d.entries) + len(d.sub)
		if d.thumb != nil {
			n += 2
		}
		buf = append(buf, make([]byte, 2+12*n+4)...)
		binary.BigEndian.PutUint16(buf[start:], uint16(n))
		slot := start + 2
		put := func(tag, typ uint16, count uint32, data []byte) {
			binary.BigEndian.PutUint16(buf[slot:], tag)
			binary.BigEndian.PutUint16(buf[slot+2:], typ)
			binary.BigEndian.PutUint32(buf[slot+4:], count)
			if len(data) <= 4 {
				copy(buf[slot+8:], data)
			} else {
				binary.BigEndian.PutUint32(buf[slot+8:], uint32(len(buf)))
				buf = append(buf, data...)
				if len(buf)%2 == 1 {
					buf = append(buf, 0)
				}
			}
			slot += 12
		}
		for _, e := range d.entries {
			put(e.tag, e.typ, e.count, e.data)
		}
		if d.thumb != nil {
			l := make([]byte, 4)
			binary.BigEndian.PutUint32(l, uint32(len(buf)+24)) // patched below
			thumbSlot := slot
			put(0x0201, 4, 1, l)
			binary.BigEndian.PutUint32(l, uint32(len(d.thumb)))
			put(0x0202, 4, 1, l)
			binary.BigEndian.PutUint32(buf[thumbSlot+8:], uint32(len(buf)))
			buf = append(buf, d.thumb...)
		}
		for _, tag := range []uint16{0x8769, 0x8825, 0xA005, 0x014A} {
			s := d.sub[tag]
			if s == nil {
				continue
			}
			mySlot := slot
			put(tag, 4, 1, []byte{0, 0, 0, 0})
			off := write(s)
			binary.BigEndian.PutUint32(buf[mySlot+8:], off)
		}
		if d.next != nil {
			off := write(d.next)
			binary.BigEndian.PutUint32(buf[start+2+12*n:], off)
		}
		return uint32(start)
	}
	write(ifd0)
	return buf
}

// iJPEG returns a small baseline JPEG of the given size.
func iJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// iSeg encodes a JPEG marker segment.
func iSeg(marker byte, payload []byte) []byte {
	b := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(b[2:], uint16(len(payload)+2))
	return append(b, payload...)
}

// iWithSegs inserts segments right after SOI and appends a trailer.
func iWithSegs(base []byte, trailer []byte, segs ...[]byte) []byte {
	out := append([]byte{}, base[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	out = append(out, base[2:]...)
	return append(out, trailer...)
}

func iExifSeg(tiff []byte) []byte { return iSeg(0xE1, append([]byte("Exif\x00\x00"), tiff...)) }

func iXMPSeg(xmp string) []byte {
	return iSeg(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmp...))
}

// iXMP wraps RDF properties in an XMP packet.
func iXMP(body string) string {
	return `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Test 1.0">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
 xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
 xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
 xmlns:exif="http://ns.adobe.com/exif/1.0/"
 xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
 xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"
 xmlns:GCamera="http://ns.google.com/photos/1.0/camera/"
 xmlns:xmpNote="http://ns.adobe.com/xmp/note/">
` + body + `
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`
}

// iICC builds a minimal ICC profile with a v2 'desc' tag.
func iICC(desc, class string) []byte {
	tag := make([]byte, 12)
	copy(tag, "desc")
	binary.BigEndian.PutUint32(tag[8:], uint32(len(desc)+1))
	tag = append(tag, desc...)
	tag = append(tag, 0)
	b := make([]byte, 144)
	copy(b[12:], class)
	copy(b[16:], "RGB XYZ ")
	binary.BigEndian.PutUint16(b[24:], 2024)
	binary.BigEndian.PutUint16(b[26:], 5)
	binary.BigEndian.PutUint16(b[28:], 6)
	copy(b[36:], "acsp")
	binary.BigEndian.PutUint32(b[128:], 1)
	copy(b[132:], "desc")
	binary.BigEndian.PutUint32(b[136:], 144)
	binary.BigEndian.PutUint32(b[140:], uint32(len(tag)))
	b = append(b, tag...)
	binary.BigEndian.PutUint32(b, uint32(len(b)))
	return b
}

// iPNG builds a PNG from chunks placed between IHDR+IDAT and IEND (after
// says whether they come after IDAT) plus a trailer.
func iPNG(t testing.TB, chunks [][2]string, trailer []byte) []byte {
	t.Helper()
	chunk := func(typ string, data []byte) []byte {
		b := make([]byte, 8, 12+len(data))
		binary.BigEndian.PutUint32(b, uint32(len(data)))
		copy(b[4:], typ)
		b = append(b, data...)
		c := crc32.ChecksumIEEE(b[4:])
		return binary.BigEndian.AppendUint32(b, c)
	}
	ihdr := []byte{0, 0, 0, 2, 0, 0, 0, 2, 8, 0, 0, 0, 0} // 2x2 grey
	var raw bytes.Buffer
	zw := zlib.NewWriter(&raw)
	zw.Write([]byte{0, 1, 2, 0, 3, 4})
	zw.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", raw.Bytes())...)
	for _, c := range chunks {
		out = append(out, chunk(c[0], []byte(c[1]))...)
	}
	out = append(out, chunk("IEND", nil)...)
	return append(out, trailer...)
}

func iZlib(s string) string {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// iWebP builds an extended WebP (VP8X + a lossless 1x1 VP8L) with extra chunks.
func iWebP(chunks ...[2]string) []byte {
	chunk := func(fourcc string, data []byte) []byte {
		b := make([]byte, 8)
		copy(b, fourcc)
		binary.LittleEndian.PutUint32(b[4:], uint32(len(data)))
		b = append(b, data...)
		if len(data)%2 == 1 {
			b = append(b, 0)
		}
		return b
	}
	vp8x := make([]byte, 10)
	vp8x[0] = 0x08 | 0x04
	body := []byte("WEBP")
	body = append(body, chunk("VP8X", vp8x)...)
	body = append(body, chunk("VP8L", []byte{0x2f, 0, 0, 0, 0, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0})...)
	for _, c := range chunks {
		body = append(body, chunk(c[0], []byte(c[1]))...)
	}
	out := []byte("RIFF\x00\x00\x00\x00")
	binary.LittleEndian.PutUint32(out[4:], uint32(len(body)))
	return append(out, body...)
}

// iGIF builds a 1x1 GIF with the given extensions (label, data as raw bytes
// already split into sub-blocks by iSub).
func iGIF(exts ...[]byte) []byte {
	out := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff")
	for _, e := range exts {
		out = append(out, e...)
	}
	out = append(out, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00)
	return append(out, ';')
}

// iSub splits data into GIF sub-blocks with a terminator.
func iSub(data []byte) []byte {
	var out []byte
	for len(data) > 0 {
		n := min(len(data), 255)
		out = append(out, byte(n))
		out = append(out, data[:n]...)
		data = data[n:]
	}
	return append(out, 0)
}
