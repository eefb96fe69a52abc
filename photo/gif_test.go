package photo

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// transparentGIF encodes an 8x8 GIF whose palette entry 0 is a real colour and
// then marks index 0 transparent with a graphic control extension, the way
// editors write it (Go's encoder would store transparent entries as black).
func transparentGIF(t *testing.T, local bool) []byte {
	t.Helper()
	p := color.Palette{color.RGBA{200, 30, 40, 255}, color.RGBA{10, 220, 30, 255}}
	m := image.NewPaletted(image.Rect(0, 0, 8, 8), p)
	for y := 0; y < 8; y++ {
		for x := 0; x < 4; x++ {
			m.SetColorIndex(x, y, 1)
		}
	}
	var buf bytes.Buffer
	if local {
		// A global table of other colours, so only the local table is right.
		g := &gif.GIF{Image: []*image.Paletted{m}, Delay: []int{0}, Config: image.Config{
			ColorModel: color.Palette{color.RGBA{1, 2, 3, 255}, color.RGBA{4, 5, 6, 255}}, Width: 8, Height: 8}}
		if err := gif.EncodeAll(&buf, g); err != nil {
			t.Fatal(err)
		}
	} else if err := gif.Encode(&buf, m, nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	_, _, ok := gifFirstTable(b)
	if !ok {
		t.Fatal("test GIF not walkable")
	}
	at := bytes.IndexByte(b[13:], 0x2C) + 13
	if b[10]&0x80 != 0 {
		at = bytes.IndexByte(b[13+(3<<(b[10]&7+1)):], 0x2C) + 13 + (3 << (b[10]&7 + 1))
	}
	gce := []byte{0x21, 0xF9, 4, 0x01, 0, 0, 0, 0}
	return append(append(append([]byte{}, b[:at]...), gce...), b[at:]...)
}

func TestGIFTransparentKeepsStoredColour(t *testing.T) {
	for name, local := range map[string]bool{"global table": false, "local table": true} {
		t.Run(name, func(t *testing.T) {
			img, f, err := Decode(transparentGIF(t, local))
			if err != nil || f != GIF {
				t.Fatalf("decode: %v %v", f, err)
			}
			m := img.(*image.Paletted)
			got := m.Palette[m.ColorIndexAt(6, 3)]
			if got != (color.NRGBA{200, 30, 40, 0}) {
				t.Errorf("transparent pixel = %#v, want the stored colour with alpha 0", got)
			}
			if _, _, _, a := got.RGBA(); a != 0 {
				t.Error("transparent pixel is no longer transparent")
			}
			if c := m.Palette[m.ColorIndexAt(1, 1)]; c != (color.RGBA{10, 220, 30, 255}) {
				t.Errorf("opaque pixel = %#v", c)
			}
		})
	}
}

func TestGIFFirstTableRejectsJunk(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("GIF89a"), []byte("GIF89a\x08\x00\x08\x00\xF7\x00\x00"), append([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00"), 0x21, 0xF9, 4)} {
		if _, _, ok := gifFirstTable(b); ok {
			t.Errorf("gifFirstTable(%q) ok", b)
		}
	}
}

// TestGIFMatchesImageMagick checks the stored colours against ImageMagick,
// which is how the PDQ reference reads images (skipped without `convert`).
func TestGIFMatchesImageMagick(t *testing.T) {
	if _, err := exec.LookPath("convert"); err != nil {
		t.Skip("ImageMagick convert not installed")
	}
	b := transparentGIF(t, true)
	path := filepath.Join(t.TempDir(), "t.gif")
	os.WriteFile(path, b, 0o644)
	want, err := exec.Command("convert", path, "-depth", "8", "rgb:-").Output()
	if err != nil {
		t.Skipf("convert failed: %v", err)
	}
	img, _, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	m := img.(*image.Paletted)
	var got []byte
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			c := m.Palette[m.ColorIndexAt(x, y)]
			switch c := c.(type) {
			case color.NRGBA:
				got = append(got, c.R, c.G, c.B)
			case color.RGBA:
				got = append(got, c.R, c.G, c.B)
			}
		}
	}
	if !bytes.Equal(got, want) {
		t.Errorf("stored RGB differs from ImageMagick's:\n got %x\nwant %x", got, want)
	}
}

// animatedGIF encodes frames (each with its own bounds and palette) on a
// width×height logical screen.
func animatedGIF(t *testing.T, width, height int, frames ...*image.Paletted) []byte {
	t.Helper()
	g := &gif.GIF{Image: frames, Delay: make([]int, len(frames)), Config: image.Config{Width: width, Height: height}}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rampFrame is a w×h frame at (x, y) whose pixel (i, j) is palette entry
// (i+j)%len(p).
func rampFrame(x, y, w, h int, p color.Palette) *image.Paletted {
	m := image.NewPaletted(image.Rect(x, y, x+w, y+h), p)
	for j := 0; j < h; j++ {
		for i := 0; i < w; i++ {
			m.Pix[j*m.Stride+i] = uint8((i + j) % len(p))
		}
	}
	return m
}

// TestGIFAsReference: the reference stacks all frames of a GIF into one
// volume; its first slice is the first frame at the top left, padded with
// black to the largest frame, and grey only in red when another frame has
// colour.
func TestGIFAsReference(t *testing.T) {
	grey := color.Palette{color.Gray{10}, color.Gray{120}, color.Gray{250}}
	colour := color.Palette{color.RGBA{200, 20, 20, 255}, color.RGBA{20, 200, 20, 255}, color.RGBA{20, 20, 200, 255}}
	for _, tc := range []struct {
		name   string
		file   []byte
		w, h   int
		at     func(c color.NRGBA) color.NRGBA // first frame's pixel as expected
		greyed bool                            // result must be *image.Gray
		same   bool                            // unchanged from Decode
	}{
		{"colour first, largest", animatedGIF(t, 40, 30, rampFrame(0, 0, 40, 30, colour), rampFrame(5, 5, 10, 10, grey)), 40, 30, nil, false, true},
		{"grey first, colour later", animatedGIF(t, 40, 30, rampFrame(0, 0, 40, 30, grey), rampFrame(5, 5, 10, 10, colour)), 40, 30,
			func(c color.NRGBA) color.NRGBA { return color.NRGBA{c.R, 0, 0, 255} }, false, false},
		{"grey first, larger grey later", animatedGIF(t, 40, 30, rampFrame(0, 0, 20, 10, grey), rampFrame(0, 0, 40, 30, grey)), 40, 30,
			func(c color.NRGBA) color.NRGBA { return c }, true, false},
		{"colour first, larger later", animatedGIF(t, 40, 30, rampFrame(0, 0, 20, 10, colour), rampFrame(0, 0, 30, 25, grey)), 30, 25,
			func(c color.NRGBA) color.NRGBA { return c }, false, false},
		{"single frame", animatedGIF(t, 40, 30, rampFrame(0, 0, 40, 30, grey)), 40, 30, nil, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first, _, err := Decode(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			img, _, err := DecodeReference(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if tc.same {
				if img.Bounds() != first.Bounds() {
					t.Fatalf("bounds %v, want %v", img.Bounds(), first.Bounds())
				}
				for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
					for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
						if img.At(x, y) != first.At(x, y) {
							t.Fatalf("pixel (%d,%d) changed", x, y)
						}
					}
				}
				return
			}
			if got := img.Bounds(); got != image.Rect(0, 0, tc.w, tc.h) {
				t.Fatalf("bounds %v, want %dx%d", got, tc.w, tc.h)
			}
			if _, isGrey := img.(*image.Gray); isGrey != tc.greyed {
				t.Errorf("result is %T", img)
			}
			fb := first.Bounds()
			for y := 0; y < tc.h; y++ {
				for x := 0; x < tc.w; x++ {
					want := color.NRGBA{0, 0, 0, 255}
					if x < fb.Dx() && y < fb.Dy() {
						want = tc.at(color.NRGBAModel.Convert(first.At(fb.Min.X+x, fb.Min.Y+y)).(color.NRGBA))
					}
					if got := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA); got != want {
						t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, got, want)
					}
				}
			}
		})
	}
}
