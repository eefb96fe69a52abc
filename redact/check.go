package redact

import (
	"errors"
	"fmt"
	"image"
)

// ErrNotRedacted is wrapped by the checks when a region's pixels are not
// replaced as its style requires. Nothing failing them may be saved.
var ErrNotRedacted = errors.New("region not fully redacted")

// owned calls fn for every row of region i of ordered (painting order) with
// the mask of its pixels that no later region paints over: own[x-c.Min.X]
// for x in c, the region clipped to bounds.
func owned(ordered []Region, i int, bounds image.Rectangle, fn func(y int, c image.Rectangle, own []bool) error) error {
	r := ordered[i]
	c := r.Rect.Intersect(bounds)
	own := make([]bool, c.Dx())
	for y := c.Min.Y; y < c.Max.Y; y++ {
		clear(own)
		x0, x1 := span(r.Rect, r.Shape, y, c)
		for x := x0; x < x1; x++ {
			own[x-c.Min.X] = true
		}
		for _, later := range ordered[i+1:] {
			l0, l1 := span(later.Rect, later.Shape, y, c)
			for x := l0; x < l1; x++ {
				own[x-c.Min.X] = false
			}
		}
		if err := fn(y, c, own); err != nil {
			return err
		}
	}
	return nil
}

// check verifies that out, produced by painting ordered (from prepare),
// holds in every region exactly what its style requires: the fill colour for
// Solid; one opaque colour per block, with at most maxBlocks blocks across the
// shorter side, for Pixelate; opaque pixels whose neighbours differ no more
// than the blur window allows for Blur.
func check(out *image.NRGBA, ordered []Region) error {
	for i, r := range ordered {
		var err error
		switch r.Style {
		case Solid:
			err = checkSolid(out, ordered, i)
		case Pixelate:
			err = checkPixelate(out, ordered, i)
		case Blur:
			err = checkBlur(out, ordered, i)
		}
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrNotRedacted, r, err)
		}
	}
	return nil
}

func checkSolid(out *image.NRGBA, ordered []Region, i int) error {
	return owned(ordered, i, out.Rect, func(y int, c image.Rectangle, own []bool) error {
		row := out.Pix[y*out.Stride:]
		for k, ok := range own {
			x := c.Min.X + k
			if ok && (row[4*x] != Fill.R || row[4*x+1] != Fill.G || row[4*x+2] != Fill.B || row[4*x+3] != Fill.A) {
				return fmt.Errorf("pixel (%d,%d) is not the fill colour", x, y)
			}
		}
		return nil
	})
}

func checkPixelate(out *image.NRGBA, ordered []Region, i int) error {
	r := ordered[i]
	bs := blockSize(min(r.Rect.Dx(), r.Rect.Dy()))
	if n := (min(r.Rect.Dx(), r.Rect.Dy()) + bs - 1) / bs; n > maxBlocks {
		return fmt.Errorf("%d blocks across, more than %d", n, maxBlocks)
	}
	c := r.Rect.Intersect(out.Rect)
	nbx := (c.Max.X-r.Rect.Min.X+bs-1)/bs + 1
	nby := (c.Max.Y-r.Rect.Min.Y+bs-1)/bs + 1
	ref := make([]uint32, nbx*nby) // 0: unseen; else 1<<24 | rgb
	return owned(ordered, i, out.Rect, func(y int, c image.Rectangle, own []bool) error {
		row := out.Pix[y*out.Stride:]
		if err := opaque(row, y, c, own); err != nil {
			return err
		}
		by := (y - r.Rect.Min.Y) / bs
		for k, ok := range own {
			if !ok {
				continue
			}
			x := c.Min.X + k
			v := 1<<24 | uint32(row[4*x])<<16 | uint32(row[4*x+1])<<8 | uint32(row[4*x+2])
			b := by*nbx + (x-r.Rect.Min.X)/bs
			if ref[b] == 0 {
				ref[b] = v
			} else if ref[b] != v {
				return fmt.Errorf("block at (%d,%d) is not uniform", x, y)
			}
		}
		return nil
	})
}

// blurStep is the largest difference between neighbouring channel values that
// a blur of radius rad can leave: the box window's step, rounding in each
// pass, and the noise on both pixels.
func blurStep(rad int) int {
	return 255/(2*rad+1) + 2*blurPasses + 1 + 2*blurNoise
}

func checkBlur(out *image.NRGBA, ordered []Region, i int) error {
	r := ordered[i]
	limit := blurStep(blurRadius(min(r.Rect.Dx(), r.Rect.Dy())))
	var prev []bool
	prevY := -1
	return owned(ordered, i, out.Rect, func(y int, c image.Rectangle, own []bool) error {
		row := out.Pix[y*out.Stride:]
		if err := opaque(row, y, c, own); err != nil {
			return err
		}
		for k, ok := range own {
			if !ok {
				continue
			}
			x := c.Min.X + k
			if k > 0 && own[k-1] && maxDiff(row[4*x:4*x+3], row[4*x-4:4*x-1]) > limit {
				return fmt.Errorf("pixel (%d,%d) is too sharp for the blur", x, y)
			}
			if prev != nil && prevY == y-1 && prev[k] && maxDiff(row[4*x:4*x+3], out.Pix[(y-1)*out.Stride+4*x:]) > limit {
				return fmt.Errorf("pixel (%d,%d) is too sharp for the blur", x, y)
			}
		}
		prev = append(prev[:0], own...)
		prevY = y
		return nil
	})
}

// opaque checks that every pixel of row y that own marks (from owned) is
// fully opaque, as pixelated and blurred regions must be.
func opaque(row []uint8, y int, c image.Rectangle, own []bool) error {
	for k, ok := range own {
		if x := c.Min.X + k; ok && row[4*x+3] != 255 {
			return fmt.Errorf("pixel (%d,%d) is not opaque", x, y)
		}
	}
	return nil
}

func maxDiff(a, b []uint8) int {
	m := 0
	for i := range 3 {
		d := int(a[i]) - int(b[i])
		m = max(m, d, -d)
	}
	return m
}
