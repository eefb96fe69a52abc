package photo

import (
	"image"
	"image/draw"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/internal/jpegseg"
	"codeberg.org/veil/veil/internal/pngchunk"
	"codeberg.org/veil/veil/internal/riff"
)

// Orientation returns the EXIF-style orientation (1..8) that a viewer applies
// to show the image in b upright: from the first EXIF APP1 of a JPEG (not
// merely the first APP1, which may be XMP), the eXIf chunk of a PNG, the EXIF
// chunk of a WebP, or IFD0 of a TIFF. It returns 1 when there is none or it
// cannot be read. HEIF rotation (irot/imir) is applied by its decoder.
func Orientation(b []byte) int {
	var tiffData []byte
	switch Sniff(b) {
	case JPEG:
		tiffData = jpegseg.ExifTIFF(b)
	case PNG:
		tiffData = pngchunk.Find(b, "eXIf")
	case WebP:
		tiffData = riff.Find(b, "EXIF")
		if len(tiffData) >= 6 && string(tiffData[:6]) == "Exif\x00\x00" {
			tiffData = tiffData[6:]
		}
	case TIFF:
		tiffData = b
	}
	o := tiffOrientation(tiffData)
	if o < 1 || o > 8 {
		return 1
	}
	return o
}

// tiffOrientation reads the Orientation tag from IFD0 of a TIFF structure;
// 0 if absent or unreadable.
func tiffOrientation(b []byte) int {
	t, err := ifd.Parse(b)
	if err != nil {
		return 0
	}
	es, _, _ := t.IFD(t.First())
	for _, e := range es {
		if e.Tag == ifd.Orientation && e.Type == ifd.Short && len(e.Value) >= 2 {
			return int(t.Order.Uint16(e.Value))
		}
	}
	return 0
}

// Orient returns img transformed as a viewer shows it for EXIF orientation o
// (1..8). Orientation 1 (or an invalid value) returns img unchanged; any other
// returns a new *image.NRGBA. 2, 4, 5 and 7 mirror.
func Orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	src := toNRGBA(img)
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewNRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		row := src.Pix[y*src.Stride : y*src.Stride+4*w]
		for x := 0; x < w; x++ {
			dx, dy := DisplayPoint(x, y, w, h, o)
			copy(dst.Pix[dy*dst.Stride+4*dx:dy*dst.Stride+4*dx+4], row[4*x:4*x+4])
		}
	}
	return dst
}

// DisplayPoint maps a pixel of an image stored w×h to where it shows once
// orientation o is applied; OrientPoint is its inverse.
func DisplayPoint(x, y, w, h, o int) (int, int) {
	switch o {
	case 2: // mirror horizontal
		return w - 1 - x, y
	case 3: // rotate 180
		return w - 1 - x, h - 1 - y
	case 4: // mirror vertical
		return x, h - 1 - y
	case 5: // transpose
		return y, x
	case 6: // rotate 90 clockwise
		return h - 1 - y, x
	case 7: // transverse
		return h - 1 - y, w - 1 - x
	case 8: // rotate 90 counter-clockwise
		return y, w - 1 - x
	}
	return x, y
}

// OrientPoint maps a point of the displayed (oriented) image back to stored
// pixel coordinates, for an image stored w×h with orientation o.
// It is the inverse of the mapping Orient applies.
func OrientPoint(x, y, w, h, o int) (int, int) {
	switch o {
	case 2:
		return w - 1 - x, y
	case 3:
		return w - 1 - x, h - 1 - y
	case 4:
		return x, h - 1 - y
	case 5:
		return y, x
	case 6:
		return y, h - 1 - x
	case 7:
		return w - 1 - y, h - 1 - x
	case 8:
		return w - 1 - y, x
	}
	return x, y
}

// toNRGBA returns img as an *image.NRGBA with its origin at (0, 0), converting
// only when needed. Straight (non-premultiplied) colours are kept.
func toNRGBA(img image.Image) *image.NRGBA {
	if n, ok := img.(*image.NRGBA); ok && n.Rect.Min == (image.Point{}) {
		return n
	}
	b := img.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
	return dst
}

// ToNRGBA returns img as a straight-alpha *image.NRGBA with origin (0, 0),
// copying only when img is not one already.
func ToNRGBA(img image.Image) *image.NRGBA { return toNRGBA(img) }
