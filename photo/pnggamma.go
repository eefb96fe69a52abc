package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"math"
)

// DecodeReference decodes b as Decode does and then makes the changes that
// PDQ's reference makes on reading and Decode leaves out, so that the pixels
// are those it hashes (it reads every file through CImg 2.2 and ImageMagick
// 6): an 8-bit colour PNG whose gAMA chunk declares linear samples (gamma
// above 0.75) is taken as linear RGB and converted to sRGB (see
// pngLinearToSRGB; pictures whose pixels all have R=G=B are left alone, as
// ImageMagick then writes them as grey unconverted), and the first frame of
// a GIF with several frames is placed as the reference stacks it with the
// others (see gifAsReference). Display and redaction use Decode.
func DecodeReference(b []byte) (image.Image, Format, error) {
	img, f, err := Decode(b)
	switch {
	case err != nil:
		return img, f, err
	case f == PNG && pngLinear(b):
		return pngLinearToSRGB(img), f, nil
	case f == GIF:
		return gifAsReference(b, img), f, nil
	}
	return img, f, nil
}

// pngLinear reports whether ImageMagick 6 reads the PNG in b as linear RGB:
// an 8-bit (or palette) colour PNG with a gAMA chunk above 0.75 (75000 in
// the file) before its image data, and no sRGB chunk, which libpng lets
// override gAMA with the sRGB gamma (0.45455). Grey PNGs become linear grey
// there, which ImageMagick writes out unconverted.
func pngLinear(b []byte) bool {
	const sig = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(b, []byte(sig)) {
		return false
	}
	colour, depth := -1, 0
	gamma, srgb := uint32(0), false
	for i := len(sig); i+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		data := i + 8
		if n < 0 || n > len(b)-data-4 {
			break
		}
		switch typ {
		case "IHDR":
			if n >= 13 {
				depth, colour = int(b[data+8]), int(b[data+9])
			}
		case "gAMA":
			// libpng keeps the first valid one and ignores values out of range.
			if n == 4 && gamma == 0 {
				if g := binary.BigEndian.Uint32(b[data:]); g >= 16 && g <= 625000000 {
					gamma = g
				}
			}
		case "sRGB":
			srgb = true
		case "IDAT", "IEND":
			return (colour == 2 || colour == 3 || colour == 6) && depth <= 8 && !srgb && gamma > 75000
		}
		i = data + n + 4
	}
	return false
}

// imLinearToSRGB maps an 8-bit linear sample to the 8-bit sRGB sample
// ImageMagick 6 (Q16, not HDRI) writes for it: the sample scaled to 16 bits,
// EncodePixelGamma (its own Chebyshev approximation of x^(1/2.4), not pow),
// rounded to a 16-bit quantum, then scaled back to 8 bits.
var imLinearToSRGB = func() (t [256]uint8) {
	const quantumRange = 65535.0
	// A variable, so that the product is rounded as C rounds it.
	linearLimit := 0.0031306684425005883
	linearLimit *= quantumRange
	for v := range t {
		q := float64(257 * v)
		var e float64
		if q <= linearLimit {
			e = float64(float32(12.92)) * q
		} else {
			e = quantumRange * (float64(1.055*imEncodeGamma(1.0/quantumRange*q)) - 0.055)
		}
		var quantum uint32
		switch {
		case e <= 0:
		case e >= quantumRange:
			quantum = 65535
		default:
			quantum = uint32(e + 0.5)
		}
		t[v] = uint8(((quantum + 128) - ((quantum + 128) >> 8)) >> 8)
	}
	return t
}()

// imEncodeGamma is ImageMagick 6's EncodeGamma (magick/pixel.c): x^(5/12)
// from a degree-8 Chebyshev polynomial on the mantissa and a table of powers
// for the exponent. Every product is rounded on its own (float64(...)) so no
// platform fuses it into a multiply-add.
func imEncodeGamma(x float64) float64 {
	coefficient := [9]float64{
		1.1758200232996901923,
		0.16665763094889061230,
		-0.0083154894939042125035,
		0.00075187976780420279038,
		-0.000083240178519391795367,
		0.000010229209410070008679,
		-1.3400466409860246e-06,
		1.8333422241635376682e-07,
		-2.5878596761348859722e-08,
	}
	powersOfTwo := [12]float64{ // (2^N)^(5/12)
		1.0,
		1.3348398541700343678,
		1.7817974362806785482,
		2.3784142300054420538,
		3.1748021039363991669,
		4.2378523774371812394,
		5.6568542494923805819,
		7.5509945014535482244,
		1.0079368399158985525e1,
		1.3454342644059433809e1,
		1.7959392772949968275e1,
		2.3972913230026907883e1,
	}
	frac, exponent := math.Frexp(x)
	var term [9]float64
	term[0] = 1
	term[1] = float64(4*frac) - 3
	for k := 2; k < 9; k++ {
		term[k] = float64(float64(2*term[1])*term[k-1]) - term[k-2]
	}
	p := float64(coefficient[0] * term[0])
	for k := 1; k < 9; k++ {
		p += float64(coefficient[k] * term[k])
	}
	quot, rem := (exponent-1)/12, (exponent-1)%12
	if rem < 0 {
		quot--
		rem += 12
	}
	return math.Ldexp(float64(powersOfTwo[rem]*p), 5*quot)
}

// pngLinearToSRGB returns img with every colour sample mapped through
// imLinearToSRGB (alpha kept), or img itself when all its pixels are grey.
func pngLinearToSRGB(img image.Image) image.Image {
	if m, ok := img.(*image.Paletted); ok {
		used := make([]bool, len(m.Palette))
		grey := true
		for _, ix := range m.Pix {
			if int(ix) < len(used) && !used[ix] {
				used[ix] = true
				c := color.NRGBAModel.Convert(m.Palette[ix]).(color.NRGBA)
				grey = grey && c.R == c.G && c.G == c.B
			}
		}
		if grey {
			return img
		}
		out := *m
		out.Palette = make(color.Palette, len(m.Palette))
		for i, c := range m.Palette {
			n := color.NRGBAModel.Convert(c).(color.NRGBA)
			out.Palette[i] = color.NRGBA{imLinearToSRGB[n.R], imLinearToSRGB[n.G], imLinearToSRGB[n.B], n.A}
		}
		return &out
	}
	r := img.Bounds()
	out := image.NewNRGBA(r)
	grey := true
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			var c color.NRGBA
			if n, ok := img.(*image.NRGBA); ok {
				c = n.NRGBAAt(x, y)
			} else {
				c = color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			}
			grey = grey && c.R == c.G && c.G == c.B
			out.SetNRGBA(x, y, color.NRGBA{imLinearToSRGB[c.R], imLinearToSRGB[c.G], imLinearToSRGB[c.B], c.A})
		}
	}
	if grey {
		return img
	}
	return out
}
