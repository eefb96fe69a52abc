// Package testimg builds tiny image files byte by byte, for tests: JPEG
// segments, PNG chunks, RIFF (WebP) chunks, GIF blocks, ISO-BMFF boxes, TIFF
// structures and ICC profiles, and a few whole files made of them. Every
// core test makes its fixtures here, in code, so that it never depends on
// the shared corpus beside the repository; the builders live once so that a
// fixture means the same thing in every package.
//
// Only tests import it. The builders write exactly what they are asked to,
// including structures a parser must refuse: nothing here validates.
package testimg

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"testing"
)

// Leaky is the marker planted in every identifying value of the built
// fixtures, so a test can look for it in an output.
const Leaky = "Jane Roe"

// Gradient is a small image whose pixels all differ, so any pixel change
// shows.
func Gradient(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / max(w-1, 1)), uint8(y * 255 / max(h-1, 1)), uint8((x ^ y) * 7), 255})
		}
	}
	return img
}

// Stripes is an opaque image of repeating byte values, busier than
// Gradient: the kind of picture whose thumbnail tests compare.
func Stripes(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	return img
}

// BE16 and BE32 are big-endian fields, for boxes and segments.
func BE16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }

// BE32 is a big-endian 32-bit field.
func BE32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// Cat joins byte slices.
func Cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// must fails the test on err.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
