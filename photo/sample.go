package photo

import (
	"errors"
	"fmt"
	"image"
)

// Sample is a nearest-neighbour reduction of a decoded picture, made the way
// PDQ's reference makes it, together with what only the whole picture tells.
type Sample struct {
	// Image is an *image.NRGBA (opaque) or, for greyscale files, an *image.Gray.
	Image image.Image
	// Grey reports that every pixel of the whole picture has R=G=B, which
	// PDQ's reference needs to pick its luma path; a sample alone cannot tell.
	Grey bool
}

// SampleJPEG decodes the JPEG in b once, with the same exact decoder as
// Decode, and returns one Sample per orientation (1..8; see Orient): the
// picture as shown with that orientation, reduced to exactly side×side by
// nearest neighbour when either of its sides exceeds side (output pixel x
// takes source pixel floor(x*W/side), likewise for y), or whole otherwise.
// Only the sampled pixels are kept, so a 12 MP photo needs no 48 MB buffer.
// The result equals sampling Orient(Decode(b)) pixel for pixel.
func SampleJPEG(b []byte, side int, orientations ...int) ([]Sample, error) {
	return sample(b, JPEG, side, orientations, decodeJPEGGather)
}

// sample decodes b (of format f) once with gather, keeping the pixels of
// the nearest-neighbour reduction of each orientation.
func sample(b []byte, f Format, side int, orientations []int, gather func([]byte, []gatherMap) ([]image.Image, bool, error)) ([]Sample, error) {
	if Sniff(b) != f {
		return nil, ErrUnsupported
	}
	if side <= 0 || len(orientations) == 0 {
		return nil, errors.New("sample: no size or orientation")
	}
	cfg, _, err := Config(b)
	if err != nil {
		return nil, err
	}
	maps := make([]gatherMap, len(orientations))
	for i, o := range orientations {
		maps[i] = nearestMap(cfg.Width, cfg.Height, o, side)
	}
	imgs, grey, err := gather(b, maps)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		return nil, fmt.Errorf("corrupt %s data: %w", f, err)
	}
	out := make([]Sample, len(imgs))
	for i, img := range imgs {
		out[i] = Sample{Image: img, Grey: grey}
	}
	return out, nil
}

// gatherMap lists, for each pixel of a w×h output in row order, the stored
// pixel (sx[i], sy[i]) it copies.
type gatherMap struct {
	w, h   int
	sx, sy []int32
}

// nearestMap maps the nearest-neighbour reduction of the picture stored
// w×h, shown with orientation o, to stored pixels.
func nearestMap(w, h, o, side int) gatherMap {
	if o < 1 || o > 8 {
		o = 1
	}
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	ow, oh := dw, dh
	if dw > side || dh > side {
		ow, oh = side, side
	}
	xs := make([]int, ow)
	for x := range xs {
		xs[x] = int(int64(x) * int64(dw) / int64(ow))
	}
	m := gatherMap{w: ow, h: oh, sx: make([]int32, ow*oh), sy: make([]int32, ow*oh)}
	for y := 0; y < oh; y++ {
		Y := int(int64(y) * int64(dh) / int64(oh))
		for x := 0; x < ow; x++ {
			sx, sy := OrientPoint(xs[x], Y, w, h, o)
			m.sx[y*ow+x] = int32(sx)
			m.sy[y*ow+x] = int32(sy)
		}
	}
	return m
}

// gatherIndex sorts the pixels of maps by source row for a one-pass decode
// of a w×h picture: the pixels of row y are srcX[k] for k in
// [rowStart[y], rowStart[y+1]), each going to pixel dst[k] of one buffer
// holding every view in turn. It refuses a map reaching outside w×h.
func gatherIndex(w, h int, maps []gatherMap) (rowStart, srcX, dst []int32, err error) {
	total := 0
	for _, m := range maps {
		total += m.w * m.h
		for i := range m.sx {
			if m.sx[i] < 0 || int(m.sx[i]) >= w || m.sy[i] < 0 || int(m.sy[i]) >= h {
				return nil, nil, nil, fmt.Errorf("sample point (%d,%d) outside the %dx%d picture", m.sx[i], m.sy[i], w, h)
			}
		}
	}
	if total == 0 {
		return nil, nil, nil, errors.New("nothing to decode")
	}
	rowStart = make([]int32, h+1)
	srcX = make([]int32, total)
	dst = make([]int32, total)
	// Count per source row, then fill (a counting sort by row).
	for _, m := range maps {
		for _, sy := range m.sy {
			rowStart[sy+1]++
		}
	}
	for y := 0; y < h; y++ {
		rowStart[y+1] += rowStart[y]
	}
	next := make([]int32, h)
	copy(next, rowStart[:h])
	base := 0
	for _, m := range maps {
		for i := range m.sx {
			sy := m.sy[i]
			k := next[sy]
			next[sy]++
			srcX[k] = m.sx[i]
			dst[k] = int32(base + i)
		}
		base += m.w * m.h
	}
	return rowStart, srcX, dst, nil
}
