package testimg

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// JPEG encodes Gradient(w, h) at quality 90.
func JPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	return EncodeJPEG(t, Gradient(w, h), 90)
}

// EncodeJPEG encodes img with the standard library's encoder.
func EncodeJPEG(t testing.TB, img image.Image, quality int) []byte {
	t.Helper()
	var buf bytes.Buffer
	must(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}))
	return buf.Bytes()
}

// JFIF is a standard APP0 JFIF payload: version 1.01, 72 dpi, no thumbnail.
var JFIF = []byte("JFIF\x00\x01\x01\x01\x00\x48\x00\x48\x00\x00")

// Seg returns a JPEG marker segment: 0xFF, marker, the length, and the
// parts of the payload joined.
func Seg(marker byte, payload ...[]byte) []byte {
	p := bytes.Join(payload, nil)
	n := len(p) + 2
	return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, p...)
}

// ExifAPP1 is the APP1 segment that carries the TIFF structure tiff.
func ExifAPP1(tiff []byte) []byte { return Seg(0xE1, []byte("Exif\x00\x00"), tiff) }

// XMPAPP1 is the APP1 segment that carries an XMP packet.
func XMPAPP1(xmp string) []byte {
	return Seg(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00"), []byte(xmp))
}

// InsertAfterSOI puts segments right after the SOI marker of the JPEG j.
func InsertAfterSOI(j []byte, segs ...[]byte) []byte {
	out := append([]byte{}, j[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, j[2:]...)
}

// InsertBeforeEOI puts segments just before the final EOI (after the scan).
func InsertBeforeEOI(j []byte, segs ...[]byte) []byte {
	out := append([]byte{}, j[:len(j)-2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, 0xFF, 0xD9)
}
