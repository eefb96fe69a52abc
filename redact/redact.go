package redact

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"runtime"

	"codeberg.org/veil/veil/photo"
)

// lossyTolerance is the largest mean luma difference, over a region, between
// the painted pixels and the same pixels decoded from a lossy output. A region
// that kept its original content differs by far more (a face under a black
// fill: about 100).
const lossyTolerance = 16

// Redact redacts regions of upright (the image as displayed, orientation
// already applied) and encodes the result as f (JPEG, PNG or WebP) with no
// metadata. It returns the file's bytes only after checking them: every
// region's pixels replaced as its style requires, the encoded file holding
// only image data (no EXIF, XMP, ICC, comments, thumbnails or trailing data),
// and the file decoding to the painted image. Any failure is an error and
// no bytes.
func Redact(upright image.Image, regions []Region, f photo.Format) ([]byte, error) {
	if f != photo.JPEG && f != photo.PNG && f != photo.WebP {
		return nil, fmt.Errorf("%w, not %s", ErrOutputFormat, f)
	}
	if upright == nil {
		return nil, errors.New("redact: no image")
	}
	ordered, err := prepare(upright.Bounds().Size(), regions)
	if err != nil {
		return nil, err
	}
	out, err := Apply(upright, regions)
	if err != nil {
		return nil, err
	}
	return finish(out, ordered, f)
}

// RedactOwned is Redact for a caller that hands over its only use of img:
// the regions are painted into img itself rather than into a copy, which
// saves a full-size buffer (96 MB for a 24 MP photo) while saving. img's
// pixels are redacted when it returns, whether or not it succeeds, and the
// caller should drop its references to img before the call returns so that
// img can be freed before the output is decoded again for verification.
// Coordinates are relative to img's top-left corner. The checks and the
// result are exactly those of Redact.
func RedactOwned(img *image.NRGBA, regions []Region, f photo.Format) ([]byte, error) {
	if f != photo.JPEG && f != photo.PNG && f != photo.WebP {
		return nil, fmt.Errorf("%w, not %s", ErrOutputFormat, f)
	}
	if img == nil {
		return nil, errors.New("redact: no image")
	}
	if err := checkImage(img); err != nil {
		return nil, err
	}
	out := rebase(img)
	img = nil
	ordered, err := prepare(out.Rect.Size(), regions)
	if err != nil {
		return nil, err
	}
	paint(out, ordered)
	return finish(out, ordered, f)
}

// finish checks the painted image out, encodes it as f and verifies the
// encoded file. It lets go of out before decoding the output again, so at
// most one full-size image is alive at a time (out may be the caller's last
// reference).
func finish(out *image.NRGBA, ordered []Region, f photo.Format) ([]byte, error) {
	if err := check(out, ordered); err != nil {
		return nil, err
	}
	data, err := Encode(out, f)
	if err != nil {
		return nil, err
	}
	// Keep only the regions' pixels for the comparison, and let the
	// full-size painted image go before the output is decoded: at 100 MP
	// each full copy is 400 MB.
	crops := regionCrops(out, ordered)
	size := out.Rect.Size()
	out = nil
	if size.X*size.Y >= 16_000_000 {
		runtime.GC()
	}
	if err := verifyOutput(data, f, size, crops, ordered); err != nil {
		return nil, fmt.Errorf("redacted output failed verification: %w", err)
	}
	return data, nil
}

// regionCrops copies each region's clipped rectangle out of painted, keeping
// its coordinates.
func regionCrops(painted *image.NRGBA, ordered []Region) []*image.NRGBA {
	crops := make([]*image.NRGBA, len(ordered))
	for i, r := range ordered {
		c := r.Rect.Intersect(painted.Rect)
		crop := image.NewNRGBA(c)
		for y := c.Min.Y; y < c.Max.Y; y++ {
			copy(crop.Pix[crop.PixOffset(c.Min.X, y):crop.PixOffset(c.Max.X, y)], painted.Pix[painted.PixOffset(c.Min.X, y):painted.PixOffset(c.Max.X, y)])
		}
		crops[i] = crop
	}
	return crops
}

// verifyOutput re-reads an encoded output as a viewer would and compares
// each region with its painted pixels (crops, from regionCrops, for an image
// of the given size).
func verifyOutput(data []byte, f photo.Format, size image.Point, crops []*image.NRGBA, ordered []Region) error {
	if err := checkStructure(data, f); err != nil {
		return err
	}
	if err := verifyMetadata(data); err != nil {
		return err
	}
	if o := photo.Orientation(data); o != 1 {
		return fmt.Errorf("output carries orientation %d", o)
	}
	img, got, err := photo.Decode(data)
	if err != nil {
		return fmt.Errorf("output does not decode: %w", err)
	}
	if got != f {
		return fmt.Errorf("output is %s, not %s", got, f)
	}
	if img.Bounds().Size() != size {
		return fmt.Errorf("output is %v, not %v", img.Bounds().Size(), size)
	}
	bounds := image.Rectangle{Max: size}
	for i, r := range ordered {
		var sum, n int
		exact := f == photo.PNG
		crop := crops[i]
		err := owned(ordered, i, bounds, func(y int, c image.Rectangle, own []bool) error {
			for k, ok := range own {
				if !ok {
					continue
				}
				x := c.Min.X + k
				j := crop.PixOffset(x, y)
				a := crop.Pix[j : j+4]
				got := rgbaAt(img, x, y)
				if exact {
					if !bytes.Equal(a, got[:]) {
						return fmt.Errorf("pixel (%d,%d) differs in the written PNG", x, y)
					}
					continue
				}
				d := luma(a) - luma(got[:])
				sum += max(d, -d)
				n++
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrNotRedacted, r, err)
		}
		if n > 0 && sum > lossyTolerance*n {
			return fmt.Errorf("%w: %s: the written %s differs from the redaction by %d levels on average", ErrNotRedacted, r, f, sum/n)
		}
	}
	return nil
}

// rgbaAt returns the straight-alpha colour of img's pixel (x, y), measured
// from its top-left corner. It reads the decoders' own types directly, so
// verifying an output needs no second full-size copy of it.
func rgbaAt(img image.Image, x, y int) [4]uint8 {
	m := img.Bounds().Min
	x, y = x+m.X, y+m.Y
	switch p := img.(type) {
	case *image.NRGBA:
		i := p.PixOffset(x, y)
		return [4]uint8{p.Pix[i], p.Pix[i+1], p.Pix[i+2], p.Pix[i+3]}
	case *image.RGBA:
		if i := p.PixOffset(x, y); p.Pix[i+3] == 255 {
			return [4]uint8{p.Pix[i], p.Pix[i+1], p.Pix[i+2], 255}
		}
	case *image.YCbCr:
		r, g, b := color.YCbCrToRGB(p.Y[p.YOffset(x, y)], p.Cb[p.COffset(x, y)], p.Cr[p.COffset(x, y)])
		return [4]uint8{r, g, b, 255}
	case *image.Gray:
		v := p.Pix[p.PixOffset(x, y)]
		return [4]uint8{v, v, v, 255}
	}
	c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
	return [4]uint8{c.R, c.G, c.B, c.A}
}

func luma(p []uint8) int {
	return (299*int(p[0]) + 587*int(p[1]) + 114*int(p[2]) + 500) / 1000
}
