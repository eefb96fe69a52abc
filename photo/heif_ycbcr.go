//go:build cgo && !windows && !embeddedheif

package photo

import (
	"errors"
	"image"
	"sync"
	"sync/atomic"
)

// The HEIC preview's fast path (heif_ycbcr.h): a grid of 8-bit 4:2:0 HEVC
// tiles, the layout of every iPhone photo, is decoded tile by tile, kept as
// YCbCr and converted to RGB only at the preview's size. This file decides
// which files take it; any other file, or a tile that turns out to be coded
// differently, goes through libheif as before.

// errNotYCbCr says a file is valid but not for the fast path.
var errNotYCbCr = errors.New("not a plain 8-bit 4:2:0 HEVC grid")

// ycbcrPlan is a primary image the fast path can decode.
type ycbcrPlan struct {
	w, h   int // the grid's canvas, as stored (before irot)
	tw, th int
	cols   int
	tiles  [][]byte    // each tile's parameter sets then its NAL units, each after a 4-byte length
	nclx   []*heifNCLX // each tile's colr nclx box, nil without one
	irot   int         // quarter turns counter-clockwise, applied while resampling
}

// planYCbCr reports how to decode b's primary image on the fast path, or
// false when libheif must. b has passed heifConfig.
func planYCbCr(b []byte) (*ycbcrPlan, bool) {
	f, err := parseHEIFItems(b)
	if err != nil {
		return nil, false
	}
	prim := f.items[f.primary]
	if prim == nil || prim.typ != "grid" {
		return nil, false
	}
	// libheif applies clap and imir to the whole picture; only a rotation
	// is cheap to apply to the preview instead.
	for i, t := range prim.transforms {
		if t != "irot" || i > 0 {
			return nil, false
		}
	}
	for _, it := range f.items {
		if it.alpha && len(it.auxl) > 0 {
			for _, to := range it.auxl {
				if to == f.primary {
					return nil, false
				}
			}
		}
	}
	d, err := f.data(prim)
	if err != nil || len(d) < 8 {
		return nil, false
	}
	r := &heifReader{p: d}
	r.skip(1)
	size := 2
	if r.u8()&1 != 0 {
		size = 4
	}
	rows, cols := int(r.u8())+1, int(r.u8())+1
	w, h := int(r.uN(size)), int(r.uN(size))
	tiles, err := f.inputs(prim)
	// heifConfig has checked the grid against its ispe and the size
	// limits; checked again here because the canvas is allocated from it.
	if r.bad || err != nil || len(tiles) != rows*cols || w != int(prim.w) || h != int(prim.h) || checkSize(w, h) != nil {
		return nil, false
	}
	p := &ycbcrPlan{w: w, h: h, tw: int(tiles[0].w), th: int(tiles[0].h), cols: cols, irot: prim.irot}
	if p.tw%2 != 0 || p.th%2 != 0 || p.tw*cols < w || p.th*rows < h {
		return nil, false
	}
	for _, t := range tiles {
		if t.typ != "hvc1" || int(t.w) != p.tw || int(t.h) != p.th || len(t.transforms) != 0 {
			return nil, false
		}
		hdr, ok := hvcCHeaders(t.hvcC)
		if !ok {
			return nil, false
		}
		data, err := f.data(t)
		if err != nil {
			return nil, false
		}
		p.tiles = append(p.tiles, append(hdr, data...))
		p.nclx = append(p.nclx, t.nclx)
	}
	return p, true
}

// hvcCHeaders returns the parameter sets of an hvcC box each after a 4-byte
// length, as libheif puts them before an item's data.
func hvcCHeaders(hvcC []byte) ([]byte, bool) {
	if len(hvcC) < 23 {
		return nil, false
	}
	var out []byte
	p := hvcC[23:]
	for range int(hvcC[22]) {
		if len(p) < 3 {
			return nil, false
		}
		n := int(p[1])<<8 | int(p[2])
		p = p[3:]
		for range n {
			if len(p) < 2 {
				return nil, false
			}
			l := int(p[0])<<8 | int(p[1])
			if l > len(p)-2 {
				return nil, false
			}
			out = append(out, byte(l>>24), byte(l>>16), byte(l>>8), byte(l))
			out = append(out, p[2:2+l]...)
			p = p[2+l:]
		}
	}
	return out, true
}

// ycbcrCoefficients is libheif's get_YCbCr_to_RGB_coefficients for the
// matrices the fast path handles; false for those libheif converts
// otherwise (0 identity, 8 YCgCo) or from the primaries (12, 13).
func ycbcrCoefficients(matrix int) (rcr, gcb, gcr, bcb float32, ok bool) {
	var kr, kb float32
	switch matrix {
	case 0, 8, 12, 13:
		return 0, 0, 0, 0, false
	case 1:
		kr, kb = 0.2126, 0.0722
	case 4:
		kr, kb = 0.30, 0.11
	case 5, 6:
		kr, kb = 0.299, 0.114
	case 7:
		kr, kb = 0.212, 0.087
	case 9, 10:
		kr, kb = 0.2627, 0.0593
	default: // libheif's defaults, BT.601
		return 1.402, -0.344136, -0.714136, 1.772, true
	}
	return 2 * (-kr + 1), 2 * kb * (-kb + 1) / (kb + kr - 1), 2 * kr * (-kr + 1) / (kb + kr - 1), 2 * (-kb + 1), true
}

// tileColour is the colour description libheif converts a tile with: its
// nclx box if it has one, else the bitstream's.
type tileColour struct {
	matrix int
	full   bool
}

// decodeYCbCr decodes p's tiles on up to heifThreads goroutines into a
// YCbCr canvas, then resamples it to w×h (as shown, after irot), converts
// to RGB and rotates in one pass, in bands on all cores. It returns errNotYCbCr when a tile
// is coded in a way the fast path leaves to libheif.
func decodeYCbCr(p *ycbcrPlan, w, h int) (*image.NRGBA, error) {
	sw, sh := w, h
	if p.irot%2 == 1 {
		sw, sh = h, w
	}
	var out *image.NRGBA
	err := runHEIF(func() error {
		c, err := newYCbCrCanvas(p.w, p.h)
		if err != nil {
			return err
		}
		defer c.free()
		colours := make([]tileColour, len(p.tiles))
		var next atomic.Int64
		var failed atomic.Bool
		errs := make([]error, heifThreads)
		var wg sync.WaitGroup
		for g := range heifThreads {
			wg.Go(func() {
				for {
					i := int(next.Add(1)) - 1
					if i >= len(p.tiles) || failed.Load() {
						return
					}
					vui, err := c.decodeTile(p.tiles[i], (i%p.cols)*p.tw, (i/p.cols)*p.th, p.tw, p.th)
					if err != nil {
						errs[g] = err
						failed.Store(true)
						return
					}
					colours[i] = vui
					if n := p.nclx[i]; n != nil {
						colours[i] = tileColour{int(n.matrix), n.fullRange}
					}
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			if errors.Is(err, errNotYCbCr) {
				return errNotYCbCr
			}
			return errors.New(heifMessage(err.Error()))
		}
		for _, col := range colours[1:] {
			if col != colours[0] {
				return errNotYCbCr // libheif would convert the tiles differently
			}
		}
		m := image.NewNRGBA(image.Rect(0, 0, w, h))
		if err := c.scale(m, sw, sh, p.irot, colours[0]); err != nil {
			return err
		}
		out = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// previewYCbCr is the fast path of backendPreviewHEIF: false when b is not
// for it (or turned out not to be), and libheif must decode it.
func previewYCbCr(b []byte, w, h int) (image.Image, bool, error) {
	p, ok := planYCbCr(b)
	if !ok {
		return nil, false, nil
	}
	m, err := decodeYCbCr(p, w, h)
	if errors.Is(err, errNotYCbCr) {
		return nil, false, nil
	}
	return m, true, err
}
