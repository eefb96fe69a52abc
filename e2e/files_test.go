//go:build linux

package e2e

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"image"
	"image/jpeg"

	"codeberg.org/veil/veil/internal/testimg"
)

// photoJPEG returns a w×h JPEG with a gradient, an EXIF block carrying a GPS
// position and a camera serial, a comment, and bytes after the end of the image:
// the kind of file a phone produces and a user wants cleaned.
func photoJPEG(w, h int, seed byte) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Y[y*img.YStride+x] = uint8(x*255/max(1, w) + int(seed))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = 128+seed%32, uint8(100+i%50)
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	enc := buf.Bytes()
	out := []byte{0xFF, 0xD8}
	out = append(out, exifAPP1(1, false)...)
	out = append(out, testimg.Seg(0xFE, []byte("taken at 12 Example Street by Jane"))...)
	out = append(out, enc[2:]...)
	return append(out, []byte("TRAILER: phone maker's hidden data, serial 123456")...)
}

// le builds little-endian TIFF structures.
type le []byte

func (b le) u16(v ...uint16) le {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, x)
	}
	return b
}

func (b le) u32(v ...uint32) le {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}

// entry appends one 12-byte IFD entry.
func (b le) entry(tag, typ uint16, count, value uint32) le {
	return b.u16(tag, typ).u32(count, value)
}

// exifTIFF returns a TIFF header and IFD0 with orientation, a camera serial
// and a GPS IFD holding a latitude. With loop set, IFD0's next pointer and
// the Exif IFD pointer both point back at IFD0.
func exifTIFF(orientation uint16, loop bool) []byte {
	t := le("II*\x00").u32(8)
	// IFD0 at 8: 4 entries (2+48+4 = 54 bytes), then GPS IFD at 62.
	const gps = 8 + 2 + 4*12 + 4
	t = t.u16(4)
	t = t.entry(0x0112, 3, 1, uint32(orientation))
	exifPtr := uint32(gps + 2 + 2*12 + 4 + 24)
	if loop {
		exifPtr = 8
	}
	t = t.entry(0x8769, 4, 1, exifPtr)
	t = t.entry(0x8825, 4, 1, gps)
	t = t.entry(0xA431, 2, 4, uint32('S')|uint32('N')<<8|uint32('7')<<16)
	if loop {
		t = t.u32(8)
	} else {
		t = t.u32(0)
	}
	// GPS IFD: latitude reference and latitude (3 rationals at gps+30).
	t = t.u16(2)
	t = t.entry(0x0001, 2, 2, 'N')
	t = t.entry(0x0002, 5, 3, gps+2+2*12+4)
	t = t.u32(0)
	t = t.u32(51, 1, 30, 1, 2600, 100)
	if !loop {
		// Exif IFD with no entries.
		t = t.u16(0).u32(0)
	}
	return t
}

func exifAPP1(orientation uint16, loop bool) []byte {
	return testimg.ExifAPP1(exifTIFF(orientation, loop))
}

// ihdr is an IHDR chunk (no interlace).
func ihdr(w, h uint32, depth, colorType byte) []byte {
	return testimg.Chunk("IHDR", testimg.IHDR(w, h, depth, colorType, 0))
}

// zlibZeros returns n zero bytes, zlib-compressed (about 1000:1).
func zlibZeros(n int) []byte {
	var buf bytes.Buffer
	z, _ := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	zero := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, len(zero))
		z.Write(zero[:k])
		n -= k
	}
	z.Close()
	return buf.Bytes()
}

// zlibRows returns the compressed pixel data of a w×h 8-bit grey PNG of zeros.
func zlibRows(w, h int) []byte {
	var buf bytes.Buffer
	z, _ := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	row := make([]byte, w+1)
	for range h {
		z.Write(row)
	}
	z.Close()
	return buf.Bytes()
}

// smallPNG returns a valid w×h grey PNG with extra chunks before IDAT.
func smallPNG(w, h int, extra ...[]byte) []byte {
	return testimg.InsertPNG(testimg.GrayPNG(w, h), true, extra...)
}

// nestedBoxes returns depth 'meta' full boxes each inside the previous one,
// around an empty 'free' box.
func nestedBoxes(depth int) []byte {
	b := make([]byte, 0, 12*depth+8)
	for i := range depth {
		b = binary.BigEndian.AppendUint32(b, uint32(12*(depth-i)+8))
		b = append(b, "meta\x00\x00\x00\x00"...)
	}
	return append(b, 0, 0, 0, 8, 'f', 'r', 'e', 'e')
}
