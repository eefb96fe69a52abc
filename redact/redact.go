package redact

import (
	"errors"
	"fmt"
	"image"

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
	if err := check(out, ordered); err != nil {
		return nil, err
	}
	data, err := Encode(out, f)
	if err != nil {
		return nil, err
	}
	if err := verifyOutput(data, f, out, ordered); err != nil {
		return nil, fmt.Errorf("redacted output failed verification: %w", err)
	}
	return data, nil
}

// verifyOutput re-reads an encoded output as a viewer would and compares it
// with the painted image.
func verifyOutput(data []byte, f photo.Format, painted *image.NRGBA, ordered []Region) error {
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
	if img.Bounds().Size() != painted.Rect.Size() {
		return fmt.Errorf("output is %v, not %v", img.Bounds().Size(), painted.Rect.Size())
	}
	dec := copyNRGBA(img)
	for i, r := range ordered {
		var sum, n int
		exact := f == photo.PNG
		err := owned(ordered, i, painted.Rect, func(y int, c image.Rectangle, own []bool) error {
			a, b := painted.Pix[y*painted.Stride:], dec.Pix[y*dec.Stride:]
			for k, ok := range own {
				if !ok {
					continue
				}
				x := 4 * (c.Min.X + k)
				if exact {
					if a[x] != b[x] || a[x+1] != b[x+1] || a[x+2] != b[x+2] || a[x+3] != b[x+3] {
						return fmt.Errorf("pixel (%d,%d) differs in the written PNG", c.Min.X+k, y)
					}
					continue
				}
				d := luma(a[x:]) - luma(b[x:])
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

func luma(p []uint8) int {
	return (299*int(p[0]) + 587*int(p[1]) + 114*int(p[2]) + 500) / 1000
}
