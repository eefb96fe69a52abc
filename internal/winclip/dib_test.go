package winclip

import (
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"testing"
)

// dib builds a device-independent bitmap: header size hdr (40, 108, 124),
// bpp, compression, masks (written after a 40-byte header, or inside a
// larger one), then the rows bottom-up (or top-down with a negative
// height) padded to 4 bytes.
func dib(w, h, hdr, bpp int, comp uint32, masks []uint32, pixel func(x, y int) []byte) []byte {
	le := binary.LittleEndian
	b := make([]byte, hdr)
	le.PutUint32(b, uint32(hdr))
	le.PutUint32(b[4:], uint32(w))
	le.PutUint32(b[8:], uint32(int32(h)))
	le.PutUint16(b[12:], 1)
	le.PutUint16(b[14:], uint16(bpp))
	le.PutUint32(b[16:], comp)
	if hdr == 40 {
		for _, m := range masks {
			b = le.AppendUint32(b, m)
		}
	} else {
		for i, m := range masks {
			le.PutUint32(b[40+4*i:], m)
		}
	}
	rows := h
	if rows < 0 {
		rows = -rows
	}
	stride := (w*bpp + 31) / 32 * 4
	for r := 0; r < rows; r++ {
		y := rows - 1 - r
		if h < 0 {
			y = r
		}
		row := make([]byte, 0, stride)
		for x := 0; x < w; x++ {
			row = append(row, pixel(x, y)...)
		}
		b = append(b, row...)
		b = append(b, make([]byte, stride-len(row))...)
	}
	return b
}

func TestDecodeDIB(t *testing.T) {
	want := func(x, y int) color.NRGBA { return color.NRGBA{uint8(10 * x), uint8(20 * y), 200, 255} }
	bgr := func(x, y int) []byte { c := want(x, y); return []byte{c.B, c.G, c.R} }
	bgr0 := func(x, y int) []byte { return append(bgr(x, y), 0) }
	bgra := func(x, y int) []byte { return append(bgr(x, y), uint8(100+x)) }
	for _, tc := range []struct {
		name  string
		b     []byte
		alpha func(x, y int) uint8
	}{
		{"24-bit bottom-up", dib(5, 3, 40, 24, 0, nil, bgr), nil},
		{"24-bit top-down", dib(5, -3, 40, 24, 0, nil, bgr), nil},
		{"32-bit BI_RGB, fourth byte 0: opaque", dib(5, 3, 40, 32, 0, nil, bgr0), nil},
		{"32-bit BI_RGB with garbage fourth byte: still opaque (no alpha in a plain header)", dib(5, 3, 40, 32, 0, nil, bgra), nil},
		{"32-bit BI_BITFIELDS after a 40-byte header", dib(5, 3, 40, 32, 3, []uint32{0xff0000, 0xff00, 0xff}, bgr0), nil},
		{"V5 with alpha", dib(5, 3, 124, 32, 3, []uint32{0xff0000, 0xff00, 0xff, 0xff000000}, bgra), func(x, _ int) uint8 { return uint8(100 + x) }},
		{"V5 with alpha mask, all alpha 0: opaque", dib(5, 3, 124, 32, 3, []uint32{0xff0000, 0xff00, 0xff, 0xff000000}, bgr0), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := DecodeDIB(tc.b, 0)
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds() != image.Rect(0, 0, 5, 3) {
				t.Fatalf("bounds %v", img.Bounds())
			}
			for y := 0; y < 3; y++ {
				for x := 0; x < 5; x++ {
					w := want(x, y)
					if tc.alpha != nil {
						w.A = tc.alpha(x, y)
					}
					if got := img.At(x, y).(color.NRGBA); got != w {
						t.Fatalf("(%d,%d) = %v, want %v", x, y, got, w)
					}
				}
			}
		})
	}
	// 16-bit 5-6-5 and an 8-bit colour table.
	b := dib(2, 1, 40, 16, 3, []uint32{0xf800, 0x7e0, 0x1f}, func(x, _ int) []byte {
		if x == 0 {
			return []byte{0xff, 0xff} // white
		}
		return []byte{0x00, 0xf8} // pure red
	})
	img, err := DecodeDIB(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	if img.At(0, 0) != (color.NRGBA{255, 255, 255, 255}) || img.At(1, 0) != (color.NRGBA{255, 0, 0, 255}) {
		t.Errorf("16-bit: %v %v", img.At(0, 0), img.At(1, 0))
	}
	pal := dib(3, 1, 40, 8, 0, nil, func(x, _ int) []byte { return []byte{byte(x)} })
	// Colour table between header and pixels: 256 entries, entry i = (i, 255-i, 7).
	table := make([]byte, 0, 1024)
	for i := 0; i < 256; i++ {
		table = append(table, 7, byte(255-i), byte(i), 0)
	}
	pal = append(append(pal[:40:40], table...), pal[40:]...)
	img, err = DecodeDIB(pal, 0)
	if err != nil {
		t.Fatal(err)
	}
	if img.At(2, 0) != (color.NRGBA{2, 253, 7, 255}) {
		t.Errorf("8-bit: %v", img.At(2, 0))
	}
}

func TestDecodeDIBRefuses(t *testing.T) {
	good := dib(4, 4, 40, 24, 0, nil, func(x, y int) []byte { return []byte{1, 2, 3} })
	if _, err := DecodeDIB(good, 15); !errors.Is(err, ErrTooLarge) {
		t.Errorf("16 pixels over a limit of 15: %v", err)
	}
	for name, b := range map[string][]byte{
		"empty":      nil,
		"short":      good[:30],
		"truncated":  good[:len(good)-20],
		"zero width": dib(0, 4, 40, 24, 0, nil, nil),
		"huge":       dib(1, 1, 40, 24, 0, nil, func(int, int) []byte { return []byte{0, 0, 0} })[:40],
		"jpeg":       dib(1, 1, 40, 24, 4, nil, func(int, int) []byte { return []byte{0, 0, 0} }),
	} {
		if _, err := DecodeDIB(b, 0); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzDecodeDIB(f *testing.F) {
	f.Add(dib(3, 2, 40, 24, 0, nil, func(x, y int) []byte { return []byte{1, 2, 3} }))
	f.Add(dib(3, -2, 124, 32, 3, []uint32{0xff0000, 0xff00, 0xff, 0xff000000}, func(x, y int) []byte { return []byte{1, 2, 3, 4} }))
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := DecodeDIB(b, 1<<20)
		if err == nil && img.Bounds().Empty() {
			t.Fatal("empty image without an error")
		}
	})
}
