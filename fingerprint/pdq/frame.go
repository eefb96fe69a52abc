package pdq

import "fmt"

// FrameHasher hashes decoded video frames the way Meta's vPDQ reference
// (vpdq/cpp, pdqbufferhasher.cpp) hashes each frame: luma from RGB (always
// the colour formula, never the greyscale path: the frame is RGB24 even when
// it is grey) at the frame's full resolution, with no 512-pixel reduction,
// then the same filter, quality and DCT as a photo. It keeps its two
// frame-sized float buffers between calls, so hashing a video allocates
// once; it is not safe for concurrent use.
type FrameHasher struct {
	buf []float32
}

// HashRGB24 returns the PDQ hash and quality of a w×h frame of packed 8-bit
// RGB, stride bytes per row. Frames narrower or shorter than MinSide give
// ErrTooSmall; vPDQ's reference writes those as an all-zero hash of quality
// 0, which is the caller's choice to copy.
func (f *FrameHasher) HashRGB24(pix []byte, w, h, stride int) (Hash, int, error) {
	if w < MinSide || h < MinSide {
		return Hash{}, 0, fmt.Errorf("frame is %dx%d pixels: %w (at least %dx%d)", w, h, ErrTooSmall, MinSide, MinSide)
	}
	if stride < 3*w || len(pix) < (h-1)*stride+3*w {
		return Hash{}, 0, fmt.Errorf("frame buffer of %d bytes is too short for %dx%d RGB pixels, %d bytes a row", len(pix), w, h, stride)
	}
	n := w * h
	if cap(f.buf) < 2*n {
		f.buf = make([]float32, 2*n)
	}
	lum, tmp := f.buf[:n], f.buf[n:2*n]
	for y := range h {
		row := pix[y*stride : y*stride+3*w]
		out := lum[y*w : (y+1)*w]
		for x := range out {
			out[x] = luma(row[3*x], row[3*x+1], row[3*x+2], false)
		}
	}
	var a [64 * 64]float32
	reduce(lum, tmp, h, w, &a)
	q := quality(&a)
	var c [16 * 16]float32
	dct(&a, &c)
	return bitsOf(&c), q, nil
}
