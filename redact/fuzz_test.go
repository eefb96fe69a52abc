package redact

import (
	"bytes"
	"image"
	"testing"

	"codeberg.org/veil/veil/photo"
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

// FuzzRedactOwned paints a sub-image in place (its origin is not (0, 0))
// with arbitrary regions: it must never panic, never touch a pixel of the
// parent image outside the sub-image or outside the masks, and a PNG it
// returns must hold exactly the pixels it painted.
func FuzzRedactOwned(f *testing.F) {
	f.Add(int16(5), int16(5), int16(20), int16(20), uint8(0), uint8(0), int16(0), int16(0), int16(0), int16(0), uint8(1))
	f.Add(int16(-10), int16(3), int16(40), int16(2), uint8(1), uint8(1), int16(30), int16(20), int16(1), int16(1), uint8(2))
	f.Add(int16(32767), int16(-32768), int16(-32768), int16(32767), uint8(2), uint8(2), int16(0), int16(0), int16(33), int16(29), uint8(5))
	f.Fuzz(func(t *testing.T, x0, y0, x1, y1 int16, shape, style uint8, x2, y2, x3, y3 int16, style2 uint8) {
		parent := pattern(45, 40)
		orig := bytes.Clone(parent.Pix)
		sub := parent.SubImage(image.Rect(7, 5, 40, 34)).(*image.NRGBA)
		regions := []Region{
			{Rect: image.Rect(int(x0), int(y0), int(x1), int(y1)), Shape: Shape(shape % 2), Style: Style(style % 3)},
			{Rect: image.Rect(int(x2), int(y2), int(x3), int(y3)), Shape: Shape(shape / 2 % 2), Style: Style(style2 % 3)},
		}
		data, err := RedactOwned(sub, regions, photo.PNG)
		local := image.Rect(0, 0, 33, 29)
		for y := 0; y < 40; y++ {
			for x := 0; x < 45; x++ {
				p := image.Pt(x, y)
				if p.In(sub.Rect) && err == nil && (inMask(regions[0], x-7, y-5, local) || inMask(regions[1], x-7, y-5, local)) {
					continue
				}
				i := parent.PixOffset(x, y)
				if !bytes.Equal(parent.Pix[i:i+4], orig[i:i+4]) {
					t.Fatalf("(%d,%d) outside the regions changed (err %v)", x, y, err)
				}
			}
		}
		if err != nil {
			return
		}
		img, _, err := photo.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		if got, painted := copyNRGBA(img), copyNRGBA(sub); !bytes.Equal(got.Pix, painted.Pix) {
			t.Fatal("the written PNG differs from the pixels painted in place")
		}
	})
}
