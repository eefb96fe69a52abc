package redact

import (
	"cmp"
	crand "crypto/rand"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"
	"slices"
)

// ErrNoRegions is returned when there is nothing to redact.
var ErrNoRegions = errors.New("no regions to redact")

// ErrOutside is returned for a region that lies entirely outside the image.
var ErrOutside = errors.New("region lies outside the image")

// Fill is the colour of the Solid style.
var Fill = color.NRGBA{0, 0, 0, 255}

const (
	// maxBlocks is the most pixelation blocks across a region's shorter side.
	maxBlocks = 8
	// minBlock is the smallest pixelation block: a small, distant face
	// pixelated in blocks of one or two pixels would stay nearly as it was.
	minBlock = 4
	// pixelNoise is the largest random offset added to each channel of a
	// pixelation block's mean.
	pixelNoise = 32
	// blurPasses is the number of box-blur passes (three approximate a Gaussian).
	blurPasses = 3
	// blurNoise is the largest random offset added to each channel of each
	// blurred pixel.
	blurNoise = 16
)

// blockSize returns the side of a pixelation block for a region whose shorter
// side is short pixels: as small as possible while giving at most maxBlocks
// blocks across that side, and never under minBlock pixels.
func blockSize(short int) int {
	return max(minBlock, (short+maxBlocks-1)/maxBlocks)
}

// blurRadius returns the box-blur radius for a region whose shorter side is
// short pixels; the window (2r+1) is at least a quarter of that side.
func blurRadius(short int) int {
	return max(1, (short+7)/8)
}

// Apply returns a new image: img with every region redacted in its style.
// Coordinates are relative to img's top-left corner and the result has its
// origin at (0, 0). Regions are clipped to the image; one lying wholly outside
// it, or an empty list, is an error, so a caller never believes it redacted
// something it did not. Where regions overlap, the strongest style wins.
// The noise of Pixelate and Blur is drawn from a generator seeded by crypto/rand.
func Apply(img image.Image, regions []Region) (*image.NRGBA, error) {
	if img == nil {
		return nil, errors.New("redact: no image")
	}
	if err := checkImage(img); err != nil {
		return nil, err
	}
	ordered, err := prepare(img.Bounds().Size(), regions)
	if err != nil {
		return nil, err
	}
	dst := copyNRGBA(img)
	paint(dst, ordered)
	return dst, nil
}

// paint redacts dst (origin (0, 0)) in place with ordered, from prepare.
func paint(dst *image.NRGBA, ordered []Region) {
	rng := newRand()
	for _, r := range ordered {
		switch r.Style {
		case Solid:
			solid(dst, r)
		case Pixelate:
			pixelate(dst, r, rng)
		case Blur:
			blur(dst, r, rng)
		}
	}
}

// rebase returns a view of img with its origin at (0, 0), sharing its pixels.
func rebase(img *image.NRGBA) *image.NRGBA {
	if img.Rect.Min == (image.Point{}) {
		return img
	}
	r := img.Rect
	if r.Empty() {
		return &image.NRGBA{Stride: img.Stride}
	}
	return &image.NRGBA{Pix: img.Pix[img.PixOffset(r.Min.X, r.Min.Y):], Stride: img.Stride, Rect: image.Rectangle{Max: r.Size()}}
}

// prepare validates regions against an image of size sz and returns them
// canonical, in the order they are painted: weakest style first, so the
// strongest wins where they overlap.
func prepare(sz image.Point, regions []Region) ([]Region, error) {
	if len(regions) == 0 {
		return nil, ErrNoRegions
	}
	bounds := image.Rectangle{Max: sz}
	out := make([]Region, len(regions))
	for i, r := range regions {
		if err := r.valid(); err != nil {
			return nil, fmt.Errorf("region %d: %w", i+1, err)
		}
		r.Rect = r.Rect.Canon()
		if r.Rect.Intersect(bounds).Empty() {
			return nil, fmt.Errorf("region %d (%d,%d,%d,%d): %w (%dx%d)", i+1,
				r.Rect.Min.X, r.Rect.Min.Y, r.Rect.Dx(), r.Rect.Dy(), ErrOutside, sz.X, sz.Y)
		}
		out[i] = r
	}
	slices.SortStableFunc(out, func(a, b Region) int { return cmp.Compare(b.Style, a.Style) })
	return out, nil
}

func newRand() *rand.Rand {
	var seed [32]byte
	if _, err := crand.Read(seed[:]); err != nil {
		// crypto/rand does not fail on Linux; if it ever did, noise must not
		// become predictable silently.
		panic("redact: crypto/rand: " + err.Error())
	}
	return rand.New(rand.NewChaCha8(seed))
}

// noise yields uniform offsets in [-n, n], eight per generator call.
type noise struct {
	rng  *rand.Rand
	n    int
	bits uint64
	left int
}

func (z *noise) next() int {
	if z.left == 0 {
		z.bits, z.left = z.rng.Uint64(), 8
	}
	b := int(z.bits & 0xff)
	z.bits >>= 8
	z.left--
	return (b*(2*z.n+1))>>8 - z.n
}

func clamp8(v int) uint8 {
	return uint8(min(255, max(0, v)))
}

// copyNRGBA returns a fresh straight-alpha copy of img with origin (0, 0),
// with fast paths for the types decoders return.
func copyNRGBA(img image.Image) *image.NRGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	switch src := img.(type) {
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			i := src.PixOffset(b.Min.X, b.Min.Y+y)
			copy(dst.Pix[y*dst.Stride:y*dst.Stride+4*w], src.Pix[i:i+4*w])
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			row := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
			for x := 0; x < w; x++ {
				yi := src.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := src.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bb := color.YCbCrToRGB(src.Y[yi], src.Cb[ci], src.Cr[ci])
				row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = r, g, bb, 255
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			row := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
			srow := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				v := srow[x]
				row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = v, v, v, 255
			}
		}
	default:
		draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
	}
	return dst
}

func solid(dst *image.NRGBA, r Region) {
	c := r.Rect.Intersect(dst.Rect)
	for y := c.Min.Y; y < c.Max.Y; y++ {
		x0, x1 := span(r.Rect, r.Shape, y, c)
		row := dst.Pix[y*dst.Stride:]
		for x := x0; x < x1; x++ {
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = Fill.R, Fill.G, Fill.B, Fill.A
		}
	}
}

// pixelate paints each block of the region with the block's alpha-weighted
// mean colour plus per-block noise, opaque. Blocks are aligned to the
// region's own corner, so the grid does not depend on clipping.
func pixelate(dst *image.NRGBA, r Region, rng *rand.Rand) {
	c := r.Rect.Intersect(dst.Rect)
	bs := blockSize(min(r.Rect.Dx(), r.Rect.Dy()))
	z := noise{rng: rng, n: pixelNoise}
	for by := r.Rect.Min.Y; by < c.Max.Y; by += bs {
		if by+bs <= c.Min.Y {
			continue
		}
		for bx := r.Rect.Min.X; bx < c.Max.X; bx += bs {
			if bx+bs <= c.Min.X {
				continue
			}
			blk := image.Rect(bx, by, bx+bs, by+bs).Intersect(c)
			var sr, sg, sb, sa int
			for y := blk.Min.Y; y < blk.Max.Y; y++ {
				p := dst.Pix[y*dst.Stride+4*blk.Min.X : y*dst.Stride+4*blk.Max.X]
				for i := 0; i < len(p); i += 4 {
					a := int(p[i+3])
					sr += int(p[i]) * a
					sg += int(p[i+1]) * a
					sb += int(p[i+2]) * a
					sa += a
				}
			}
			mr, mg, mb := 128, 128, 128
			if sa > 0 {
				mr, mg, mb = (sr+sa/2)/sa, (sg+sa/2)/sa, (sb+sa/2)/sa
			}
			vr := clamp8(mr + z.next())
			vg := clamp8(mg + z.next())
			vb := clamp8(mb + z.next())
			for y := blk.Min.Y; y < blk.Max.Y; y++ {
				x0, x1 := span(r.Rect, r.Shape, y, blk)
				row := dst.Pix[y*dst.Stride:]
				for x := x0; x < x1; x++ {
					row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = vr, vg, vb, 255
				}
			}
		}
	}
}

// blur box-blurs the region's (clipped) rectangle blurPasses times in each
// direction, sampling only pixels inside it (edges repeat), adds per-pixel
// noise, and paints the masked pixels opaque.
func blur(dst *image.NRGBA, r Region, rng *rand.Rand) {
	c := r.Rect.Intersect(dst.Rect)
	w, h := c.Dx(), c.Dy()
	rad := blurRadius(min(r.Rect.Dx(), r.Rect.Dy()))
	var planes [3][]uint8
	for ch := range planes {
		planes[ch] = make([]uint8, w*h)
	}
	for y := 0; y < h; y++ {
		p := dst.Pix[(c.Min.Y+y)*dst.Stride+4*c.Min.X:]
		for x := 0; x < w; x++ {
			planes[0][y*w+x], planes[1][y*w+x], planes[2][y*w+x] = p[4*x], p[4*x+1], p[4*x+2]
		}
	}
	tmp := make([]uint8, max(w, h))
	for ch := range planes {
		pl := planes[ch]
		for range blurPasses {
			for y := 0; y < h; y++ {
				boxLine(pl[y*w:], 1, w, rad, tmp)
			}
			for x := 0; x < w; x++ {
				boxLine(pl[x:], w, h, rad, tmp)
			}
		}
	}
	z := noise{rng: rng, n: blurNoise}
	for y := c.Min.Y; y < c.Max.Y; y++ {
		x0, x1 := span(r.Rect, r.Shape, y, c)
		row := dst.Pix[y*dst.Stride:]
		o := (y - c.Min.Y) * w
		for x := x0; x < x1; x++ {
			i := o + x - c.Min.X
			row[4*x] = clamp8(int(planes[0][i]) + z.next())
			row[4*x+1] = clamp8(int(planes[1][i]) + z.next())
			row[4*x+2] = clamp8(int(planes[2][i]) + z.next())
			row[4*x+3] = 255
		}
	}
}

// boxLine replaces the n samples line[0], line[step], ... with their running
// mean over a window of 2*rad+1 samples, repeating the end samples.
func boxLine(line []uint8, step, n, rad int, tmp []uint8) {
	if n == 0 {
		return
	}
	for i := 0; i < n; i++ {
		tmp[i] = line[i*step]
	}
	k := 2*rad + 1
	at := func(i int) int { return int(tmp[min(max(i, 0), n-1)]) }
	sum := 0
	for i := -rad; i <= rad; i++ {
		sum += at(i)
	}
	for i := 0; i < n; i++ {
		line[i*step] = uint8((sum + k/2) / k)
		sum += at(i+rad+1) - at(i-rad)
	}
}
