package pdq

import (
	"image"
	"image/color"
)

// Luma weights as float32, as the reference declares them.
const (
	lumaR float32 = 0.299
	lumaG float32 = 0.587
	lumaB float32 = 0.114
)

// IsGrey reports whether every pixel of img has R=G=B (straight colour,
// alpha ignored). The reference's decoder then hands it a one-channel image
// and it takes the greyscale luma path, which differs from the RGB path by
// one float32 ulp at 35 of the 256 levels.
func IsGrey(img image.Image) bool {
	switch m := img.(type) {
	case *image.Gray, *image.Gray16:
		return true
	case *image.NRGBA:
		b := m.Rect
		for y := b.Min.Y; y < b.Max.Y; y++ {
			p := m.Pix[m.PixOffset(b.Min.X, y):m.PixOffset(b.Max.X, y)]
			for i := 0; i+2 < len(p); i += 4 {
				if p[i] != p[i+1] || p[i+1] != p[i+2] {
					return false
				}
			}
		}
		return true
	case *image.Paletted:
		// Only the colours actually used count.
		var used [256]bool
		b := m.Rect
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for _, ix := range m.Pix[m.PixOffset(b.Min.X, y):m.PixOffset(b.Max.X, y)] {
				used[ix] = true
			}
		}
		for i, ok := range used {
			if ok {
				r, g, bb := paletteRGB(m.Palette, uint8(i))
				if r != g || g != bb {
					return false
				}
			}
		}
		return true
	}
	b := img.Bounds()
	px := pixelReader(img)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb := px(x, y)
			if r != g || g != bb {
				return false
			}
		}
	}
	return true
}

// fillLuma writes the luma of img into dst (ow×oh), reducing img by nearest
// neighbour when its size differs: dst pixel (x, y) is source pixel
// (floor(x*W/ow), floor(y*H/oh)).
func fillLuma(dst []float32, img image.Image, ow, oh int, grey bool) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	xs := make([]int, ow)
	for x := range xs {
		xs[x] = b.Min.X + int(int64(x)*int64(w)/int64(ow))
	}
	px := pixelReader(img)
	for y := 0; y < oh; y++ {
		sy := b.Min.Y + int(int64(y)*int64(h)/int64(oh))
		row := dst[y*ow : (y+1)*ow]
		switch m := img.(type) {
		case *image.NRGBA:
			// The common case (every JPEG), without a call per pixel.
			p := m.Pix[m.PixOffset(b.Min.X, sy):]
			for x, sx := range xs {
				o := 4 * (sx - b.Min.X)
				row[x] = luma(p[o], p[o+1], p[o+2], grey)
			}
		case *image.Gray:
			p := m.Pix[m.PixOffset(b.Min.X, sy):]
			for x, sx := range xs {
				row[x] = float32(p[sx-b.Min.X])
			}
		default:
			for x, sx := range xs {
				r, g, bb := px(sx, sy)
				row[x] = luma(r, g, bb, grey)
			}
		}
	}
}

// luma is the reference's formula, evaluated left to right in float32 with
// each product rounded on its own.
func luma(r, g, b uint8, grey bool) float32 {
	if grey {
		return float32(r)
	}
	return float32(lumaR*float32(r)) + float32(lumaG*float32(g)) + float32(lumaB*float32(b))
}

// pixelReader returns a function giving the straight (not premultiplied)
// 8-bit RGB of a pixel, ignoring alpha as the reference does. 16-bit samples
// are reduced with v>>8 (the reference keeps only the low byte, a bug Veil
// does not copy; ImageMagick's -depth 8 rounds with v/257, which differs by
// one level for some values).
func pixelReader(img image.Image) func(x, y int) (r, g, b uint8) {
	switch m := img.(type) {
	case *image.NRGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			i := m.PixOffset(x, y)
			return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
		}
	case *image.Gray:
		return func(x, y int) (uint8, uint8, uint8) {
			v := m.Pix[m.PixOffset(x, y)]
			return v, v, v
		}
	case *image.Gray16:
		return func(x, y int) (uint8, uint8, uint8) {
			v := m.Pix[m.PixOffset(x, y)] // high byte first
			return v, v, v
		}
	case *image.NRGBA64:
		return func(x, y int) (uint8, uint8, uint8) {
			i := m.PixOffset(x, y)
			return m.Pix[i], m.Pix[i+2], m.Pix[i+4]
		}
	case *image.Paletted:
		return func(x, y int) (uint8, uint8, uint8) {
			return paletteRGB(m.Palette, m.Pix[m.PixOffset(x, y)])
		}
	case *image.YCbCr:
		return func(x, y int) (uint8, uint8, uint8) {
			c := m.YCbCrAt(x, y)
			return color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
		}
	case *image.NYCbCrA:
		return func(x, y int) (uint8, uint8, uint8) {
			c := m.YCbCrAt(x, y) // the colour without its alpha
			return color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
		}
	case *image.CMYK:
		return func(x, y int) (uint8, uint8, uint8) {
			c := m.CMYKAt(x, y)
			return color.CMYKToRGB(c.C, c.M, c.Y, c.K)
		}
	}
	return func(x, y int) (uint8, uint8, uint8) {
		return straight(img.At(x, y))
	}
}

// paletteRGB returns palette entry i's straight RGB; indexes past the
// palette are black, as Go's decoders treat them.
func paletteRGB(p color.Palette, i uint8) (uint8, uint8, uint8) {
	if int(i) >= len(p) {
		return 0, 0, 0
	}
	return straight(p[i])
}

// straight returns c's straight 8-bit RGB, undoing premultiplication only
// for colour types that store it premultiplied.
func straight(c color.Color) (uint8, uint8, uint8) {
	switch c := c.(type) {
	case color.NRGBA:
		return c.R, c.G, c.B
	case color.NRGBA64:
		return uint8(c.R >> 8), uint8(c.G >> 8), uint8(c.B >> 8)
	case color.Gray:
		return c.Y, c.Y, c.Y
	case color.Gray16:
		return uint8(c.Y >> 8), uint8(c.Y >> 8), uint8(c.Y >> 8)
	}
	n := color.NRGBA64Model.Convert(c).(color.NRGBA64)
	return uint8(n.R >> 8), uint8(n.G >> 8), uint8(n.B >> 8)
}
