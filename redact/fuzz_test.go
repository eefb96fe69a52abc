package redact

import (
	"bytes"
	"image"
	"testing"
)

// FuzzApply throws arbitrary region geometry (including reversed, huge,
// negative and outside rectangles) at Apply: it must never panic, must never
// change a pixel outside the masks, and what it returns must pass check.
func FuzzApply(f *testing.F) {
	f.Add(int16(5), int16(5), int16(20), int16(20), uint8(0), uint8(0), int16(0), int16(0), int16(0), int16(0), uint8(1))
	f.Add(int16(-10), int16(3), int16(40), int16(2), uint8(1), uint8(1), int16(30), int16(20), int16(1), int16(1), uint8(2))
	f.Add(int16(32767), int16(-32768), int16(-32768), int16(32767), uint8(2), uint8(2), int16(0), int16(0), int16(33), int16(29), uint8(5))
	f.Fuzz(func(t *testing.T, x0, y0, x1, y1 int16, shape, style uint8, x2, y2, x3, y3 int16, style2 uint8) {
		in := pattern(33, 29)
		orig := bytes.Clone(in.Pix)
		regions := []Region{
			{Rect: image.Rect(int(x0), int(y0), int(x1), int(y1)), Shape: Shape(shape % 2), Style: Style(style % 3)},
			{Rect: image.Rect(int(x2), int(y2), int(x3), int(y3)), Shape: Shape(shape / 2 % 2), Style: Style(style2 % 3)},
		}
		out, err := Apply(in, regions)
		if !bytes.Equal(in.Pix, orig) {
			t.Fatal("Apply modified its input")
		}
		if err != nil {
			return
		}
		for y := 0; y < 29; y++ {
			for x := 0; x < 33; x++ {
				if inMask(regions[0], x, y, out.Rect) || inMask(regions[1], x, y, out.Rect) {
					continue
				}
				i := out.PixOffset(x, y)
				if !bytes.Equal(out.Pix[i:i+4], orig[i:i+4]) {
					t.Fatalf("(%d,%d) outside the regions changed", x, y)
				}
			}
		}
		ordered, err := prepare(in.Rect.Size(), regions)
		if err != nil {
			t.Fatal(err)
		}
		if err := check(out, ordered); err != nil {
			t.Fatal(err)
		}
	})
}
