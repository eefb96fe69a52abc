package photo

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// withChunk returns the PNG p with a chunk inserted right after IHDR.
func withChunk(p []byte, typ string, data []byte) []byte {
	const ihdrEnd = 8 + 8 + 13 + 4
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	c = binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
	return append(append(append([]byte(nil), p[:ihdrEnd]...), c...), p[ihdrEnd:]...)
}

// rampPNG is a 256x3 PNG in which every 8-bit level appears in every
// channel, in colour (or grey when grey is set).
func rampPNG(t *testing.T, grey bool) []byte {
	m := image.NewNRGBA(image.Rect(0, 0, 256, 3))
	for x := 0; x < 256; x++ {
		v := uint8(x)
		for y, c := range []color.NRGBA{{v, 255 - v, v / 2, 255}, {v / 3, v, 255 - v, 255}, {255 - v, v / 5, v, 255}} {
			if grey {
				c = color.NRGBA{v, v, v, 255}
			}
			m.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gama(g uint32) []byte { return binary.BigEndian.AppendUint32(nil, g) }

func TestPNGLinearAsImageMagick(t *testing.T) {
	colour := rampPNG(t, false)
	want := readPPM(t, filepath.Join("testdata", "ramp-gamma1-im6.ppm"))
	for _, tc := range []struct {
		name    string
		file    []byte
		convert bool
	}{
		{"gAMA 1.0", withChunk(colour, "gAMA", gama(100000)), true},
		{"gAMA 0.76", withChunk(colour, "gAMA", gama(76000)), true},
		{"gAMA 0.75", withChunk(colour, "gAMA", gama(75000)), false},
		{"gAMA 0.45455", withChunk(colour, "gAMA", gama(45455)), false},
		{"no gAMA", colour, false},
		{"gAMA 1.0 with sRGB", withChunk(withChunk(colour, "sRGB", []byte{0}), "gAMA", gama(100000)), false},
		{"grey, gAMA 1.0", withChunk(rampPNG(t, true), "gAMA", gama(100000)), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain, _, err := Decode(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			img, _, err := DecodeReference(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			bad := 0
			for y := 0; y < 3; y++ {
				for x := 0; x < 256; x++ {
					c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
					w := color.NRGBAModel.Convert(plain.At(x, y)).(color.NRGBA)
					if tc.convert {
						i := 3 * (y*256 + x)
						w = color.NRGBA{want[i], want[i+1], want[i+2], 255}
					}
					if c != w {
						bad++
					}
				}
			}
			if bad > 0 && tc.convert {
				t.Errorf("%d of 768 pixels differ from ImageMagick's linear-to-sRGB conversion", bad)
			} else if bad > 0 {
				t.Errorf("%d of 768 pixels changed; ImageMagick reads these samples as they are", bad)
			}
		})
	}
}

// readPPM reads a binary PPM (P6, maxval 255) and returns its samples.
func readPPM(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := bytes.SplitN(b, []byte("\n"), 4)
	if len(f) != 4 || string(f[0]) != "P6" || string(f[2]) != "255" {
		t.Fatalf("%s: not a plain binary PPM", path)
	}
	return f[3]
}

// FuzzDecodeReference: any bytes give an image or an error, never a panic,
// and the gAMA walk agrees with Decode about what is a PNG.
func FuzzDecodeReference(f *testing.F) {
	m := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	m.Pix[0] = 200
	var b bytes.Buffer
	png.Encode(&b, m)
	f.Add(withChunk(b.Bytes(), "gAMA", gama(100000)))
	f.Add(withChunk(b.Bytes(), "sRGB", []byte{0}))
	f.Add(b.Bytes())
	g := &gif.GIF{Image: []*image.Paletted{rampFrame(0, 0, 4, 3, color.Palette{color.Gray{9}, color.Gray{99}}), rampFrame(1, 1, 5, 4, color.Palette{color.RGBA{200, 0, 0, 255}, color.RGBA{0, 0, 200, 255}})}, Delay: []int{0, 0}, Config: image.Config{Width: 6, Height: 5}}
	var a bytes.Buffer
	gif.EncodeAll(&a, g)
	f.Add(a.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		img, _, err := DecodeReference(b)
		if err == nil && img == nil {
			t.Fatal("no image and no error")
		}
	})
}
