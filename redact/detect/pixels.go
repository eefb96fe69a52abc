package detect

import (
	"image"
	"image/color"
	"image/draw"
	"sync"
)

// rgb8 is an interleaved 8-bit RGB image: the working copy of a photo at the
// scale of one detection pass.
type rgb8 struct {
	w, h int
	pix  []uint8
}

// rowReader fills dst (3*width bytes) with RGB row y of an image, using the
// decoder's own pixel layout when it is one of the common ones, since
// image.Image.At costs an interface call and an allocation per pixel.
type rowReader func(y int, dst []uint8)

func newRowReader(img image.Image) rowReader {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.YCbCr:
		return func(y int, dst []uint8) {
			yi := m.YOffset(b.Min.X, b.Min.Y+y)
			for x := range b.Dx() {
				ci := m.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bl := color.YCbCrToRGB(m.Y[yi+x], m.Cb[ci], m.Cr[ci])
				dst[3*x], dst[3*x+1], dst[3*x+2] = r, g, bl
			}
		}
	case *image.RGBA:
		return func(y int, dst []uint8) {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range b.Dx() {
				dst[3*x], dst[3*x+1], dst[3*x+2] = row[4*x], row[4*x+1], row[4*x+2]
			}
		}
	case *image.NRGBA:
		// Transparent pixels keep their colour: a face drawn with alpha is
		// still a face to protect.
		return func(y int, dst []uint8) {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range b.Dx() {
				dst[3*x], dst[3*x+1], dst[3*x+2] = row[4*x], row[4*x+1], row[4*x+2]
			}
		}
	case *image.Gray:
		return func(y int, dst []uint8) {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range b.Dx() {
				v := row[x]
				dst[3*x], dst[3*x+1], dst[3*x+2] = v, v, v
			}
		}
	}
	// Anything else: convert a band of rows at a time through the standard
	// library's optimised draw paths.
	const band = 64
	tmp := image.NewRGBA(image.Rect(0, 0, b.Dx(), min(band, b.Dy())))
	cur := -1
	return func(y int, dst []uint8) {
		if y/band != cur {
			cur = y / band
			draw.Draw(tmp, tmp.Bounds(), img, image.Pt(b.Min.X, b.Min.Y+cur*band), draw.Src)
		}
		row := tmp.Pix[tmp.PixOffset(0, y%band):]
		for x := range b.Dx() {
			dst[3*x], dst[3*x+1], dst[3*x+2] = row[4*x], row[4*x+1], row[4*x+2]
		}
	}
}

// shrink reads an image of w×h through read and returns it scaled down to
// w2×h2 (w2 ≤ w, h2 ≤ h) by averaging the source pixels of each output pixel,
// reading every source row once.
func shrink(read rowReader, w, h, w2, h2 int) *rgb8 {
	out := &rgb8{w: w2, h: h2, pix: make([]uint8, 3*w2*h2)}
	shrinkRows(read, w, h, out, 0, h2)
	return out
}

// shrinkImage is shrink over img with its output rows split among threads
// goroutines, each with a reader of its own.
func shrinkImage(img image.Image, w2, h2, threads int) *rgb8 {
	b := img.Bounds()
	out := &rgb8{w: w2, h: h2, pix: make([]uint8, 3*w2*h2)}
	threads = max(1, min(threads, h2/16))
	var wg sync.WaitGroup
	// The caller's goroutine takes the first share (see runJobs).
	for t := 1; t < threads; t++ {
		lo, hi := t*h2/threads, (t+1)*h2/threads
		wg.Add(1)
		go func() {
			defer wg.Done()
			shrinkRows(newRowReader(img), b.Dx(), b.Dy(), out, lo, hi)
		}()
	}
	shrinkRows(newRowReader(img), b.Dx(), b.Dy(), out, 0, h2/threads)
	wg.Wait()
	return out
}

// shrinkRows computes output rows [lo, hi) of out from the w×h source.
func shrinkRows(read rowReader, w, h int, out *rgb8, lo, hi int) {
	w2, h2 := out.w, out.h
	xmap := make([]int32, w) // output column of each source column
	xcnt := make([]uint32, w2)
	for x := range w {
		xmap[x] = int32(x * w2 / w)
		xcnt[xmap[x]]++
	}
	row := make([]uint8, 3*w)
	acc := make([]uint32, 3*w2)
	// The first source row of output row lo: the least y with y*h2/h >= lo.
	y := (lo*h + h2 - 1) / h2
	for y2 := lo; y2 < hi; y2++ {
		clear(acc)
		rows := uint32(0)
		for ; y < h && y*h2/h == y2; y++ {
			read(y, row)
			for x, x2 := range xmap {
				acc[3*x2] += uint32(row[3*x])
				acc[3*x2+1] += uint32(row[3*x+1])
				acc[3*x2+2] += uint32(row[3*x+2])
			}
			rows++
		}
		dst := out.pix[3*w2*y2:]
		for x2 := range w2 {
			n := xcnt[x2] * rows
			if n == 0 {
				continue
			}
			for c := range 3 {
				dst[3*x2+c] = uint8((acc[3*x2+c] + n/2) / n)
			}
		}
	}
}

// enlarge scales src up to w2×h2 bilinearly (pixel centres aligned).
func enlarge(src *rgb8, w2, h2 int) *rgb8 {
	out := &rgb8{w: w2, h: h2, pix: make([]uint8, 3*w2*h2)}
	sx := float32(src.w) / float32(w2)
	sy := float32(src.h) / float32(h2)
	for y := range h2 {
		fy := max((float32(y)+0.5)*sy-0.5, 0)
		y0 := min(int(fy), src.h-1)
		y1 := min(y0+1, src.h-1)
		wy := fy - float32(y0)
		for x := range w2 {
			fx := max((float32(x)+0.5)*sx-0.5, 0)
			x0 := min(int(fx), src.w-1)
			x1 := min(x0+1, src.w-1)
			wx := fx - float32(x0)
			for c := range 3 {
				a := float32(src.pix[3*(y0*src.w+x0)+c])*(1-wx) + float32(src.pix[3*(y0*src.w+x1)+c])*wx
				b := float32(src.pix[3*(y1*src.w+x0)+c])*(1-wx) + float32(src.pix[3*(y1*src.w+x1)+c])*wx
				out.pix[3*(y*w2+x)+c] = uint8(a*(1-wy) + b*wy + 0.5)
			}
		}
	}
	return out
}

// resample returns src at w2×h2.
func (src *rgb8) resample(w2, h2 int) *rgb8 {
	switch {
	case w2 == src.w && h2 == src.h:
		return src
	case w2 <= src.w && h2 <= src.h:
		return shrink(func(y int, dst []uint8) { copy(dst, src.pix[3*src.w*y:3*src.w*(y+1)]) }, src.w, src.h, w2, h2)
	}
	return enlarge(src, w2, h2)
}

// fillInput writes the region r of src, turned by rot quarter turns
// clockwise and then mirrored left to right if flip (so a face upright in
// the turned frame stays upright), into a 1x3xHxW BGR network input (zero
// beyond the region).
func fillInput(in []float32, ih, iw int, src *rgb8, r image.Rectangle, rot int, flip bool) {
	clear(in)
	rw, rh := r.Dx(), r.Dy()
	ow, oh := rw, rh // size after rotation
	if rot%2 == 1 {
		ow, oh = rh, rw
	}
	ow, oh = min(ow, iw), min(oh, ih)
	plane := ih * iw
	for v := range oh {
		for u := range ow {
			// Source pixel of rotated pixel (t, v), inside region r.
			t := u
			if flip {
				t = ow - 1 - u
			}
			var x, y int
			switch rot {
			case 0:
				x, y = t, v
			case 1: // 90° clockwise
				x, y = v, rh-1-t
			case 2:
				x, y = rw-1-t, rh-1-v
			case 3: // 270° clockwise
				x, y = rw-1-v, t
			}
			p := src.pix[3*((r.Min.Y+y)*src.w+r.Min.X+x):]
			k := v*iw + u
			in[k] = float32(p[2])
			in[plane+k] = float32(p[1])
			in[2*plane+k] = float32(p[0])
		}
	}
}

// unrotate maps a point of a pass frame (the region of size rw×rh turned by
// rot quarter turns clockwise, then mirrored if flip) back to the region's
// own coordinates.
func unrotate(u, v float32, rw, rh int, rot int, flip bool) (float32, float32) {
	w, h := float32(rw), float32(rh)
	if flip {
		if rot%2 == 1 {
			u = h - u
		} else {
			u = w - u
		}
	}
	switch rot {
	case 1:
		return v, h - u
	case 2:
		return w - u, h - v
	case 3:
		return w - v, u
	}
	return u, v
}

// mirrorPad returns src with a border of m pixels on every side that
// mirrors the pixels inside the edge, so that a face cut by the edge of the
// photo looks whole to the network (a face is nearly symmetric); the
// corners are grey.
func mirrorPad(src *rgb8, m int) *rgb8 {
	w, h := src.w+2*m, src.h+2*m
	out := &rgb8{w: w, h: h, pix: make([]uint8, 3*w*h)}
	for y := range h {
		sy := mirrorIndex(y-m, src.h)
		row := out.pix[3*w*y : 3*w*(y+1)]
		srow := src.pix[3*src.w*sy : 3*src.w*(sy+1)]
		copy(row[3*m:], srow)
		for x := range m {
			copy(row[3*x:3*x+3], srow[3*mirrorIndex(x-m, src.w):])
			copy(row[3*(w-1-x):3*(w-x)], srow[3*mirrorIndex(w-1-x-m, src.w):])
		}
		if y < m || y >= h-m {
			// Corners mirrored both ways tile into kaleidoscope patterns
			// that the network takes for faces: grey instead.
			for x := range m {
				row[3*x], row[3*x+1], row[3*x+2] = 128, 128, 128
				k := 3 * (w - 1 - x)
				row[k], row[k+1], row[k+2] = 128, 128, 128
			}
		}
	}
	return out
}

// mirrorIndex folds v into [0, n) by mirroring at the edges (edge pixels are
// not repeated twice: -1 maps to 0, n to n-1).
func mirrorIndex(v, n int) int {
	for v < 0 || v >= n {
		if v < 0 {
			v = -v - 1
		}
		if v >= n {
			v = 2*n - 1 - v
		}
	}
	return v
}
