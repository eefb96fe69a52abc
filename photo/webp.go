package photo

import (
	"bytes"
	"image"

	"golang.org/x/image/webp"
)

// decodeWebP decodes a WebP to the RGB that libwebp gives by default, which
// is what ImageMagick, browsers and PDQ's reference see. x/image/webp
// reconstructs lossy (VP8) pictures to exactly libwebp's Y, Cb and Cr
// planes, but leaves them as an *image.YCbCr whose colours Go computes from
// the nearest chroma sample with its own YCbCr formula: up to 23 levels off
// on smooth pictures. Lossy pictures are therefore converted here as libwebp
// converts them (fancy upsampling, then its fixed-point BT.601 formula);
// lossless ones are already exact RGB.
func decodeWebP(b []byte) (image.Image, error) {
	img, err := webp.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if img.Bounds().Min != (image.Point{}) {
		return img, nil
	}
	switch m := img.(type) {
	case *image.YCbCr:
		if m.SubsampleRatio == image.YCbCrSubsampleRatio420 {
			return webpRGB(m, nil, 0), nil
		}
	case *image.NYCbCrA:
		if m.SubsampleRatio == image.YCbCrSubsampleRatio420 {
			return webpRGB(&m.YCbCr, m.A, m.AStride), nil
		}
	}
	return img, nil
}

// webpRGB converts a 4:2:0 picture as libwebp's default decoder output does
// (src/dec/io_dec.c EmitFancyRGB with the upsamplers of src/dsp/upsampling.c):
// each output row is made with the chroma row nearest to it and the next
// nearest, weighted 3:1 vertically and 3:1 horizontally; the first row, and
// the last row of an even height, use their nearest chroma row alone. alpha
// (stride astride) is copied when not nil; otherwise the result is opaque.
func webpRGB(m *image.YCbCr, alpha []byte, astride int) *image.NRGBA {
	r := m.Rect
	w, h := r.Dx(), r.Dy()
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w == 0 || h == 0 {
		return out
	}
	cw := (w + 1) / 2
	crow := func(p []byte, cy int) []byte { return p[cy*m.CStride : cy*m.CStride+cw] }
	// Upsampled chroma of the rows being made, then converted row by row.
	ut, vt, ub, vb := make([]byte, w), make([]byte, w), make([]byte, w), make([]byte, w)
	emit := func(y int, u, v []byte) {
		webpRow(out.Pix[y*out.Stride:y*out.Stride+4*w], m.Y[y*m.YStride:y*m.YStride+w], u, v)
	}
	// Row 0 pairs chroma row 0 with itself.
	webpUpsample(crow(m.Cb, 0), crow(m.Cb, 0), ut, nil, w)
	webpUpsample(crow(m.Cr, 0), crow(m.Cr, 0), vt, nil, w)
	emit(0, ut, vt)
	// Then rows 2k-1 and 2k together, between chroma rows k-1 and k.
	y := 1
	for ; y+1 < h; y += 2 {
		k := (y + 1) / 2
		webpUpsample(crow(m.Cb, k-1), crow(m.Cb, k), ut, ub, w)
		webpUpsample(crow(m.Cr, k-1), crow(m.Cr, k), vt, vb, w)
		emit(y, ut, vt)
		emit(y+1, ub, vb)
	}
	// With an even height the last row is left: its own chroma row only.
	if y < h {
		k := (h - 1) / 2
		webpUpsample(crow(m.Cb, k), crow(m.Cb, k), ut, nil, w)
		webpUpsample(crow(m.Cr, k), crow(m.Cr, k), vt, nil, w)
		emit(y, ut, vt)
	}
	if alpha == nil {
		return out
	}
	for y := 0; y < h; y++ {
		a, o := alpha[y*astride:y*astride+w], out.Pix[y*out.Stride:y*out.Stride+4*w]
		for x, v := range a {
			o[4*x+3] = v
		}
	}
	return out
}

// webpUpsample makes one chroma plane's samples for a top output row (into
// top) and, when bottom is not nil, the bottom row below it, from the
// chroma rows above (a) and below (c) them. The integer arithmetic, rounding
// included, is libwebp's UPSAMPLE_FUNC (its SSE2 and NEON versions are
// bit-exact with its C one), done on one plane at a time: libwebp packs U
// and V into one 32-bit word, but no carry or shifted bit crosses between
// them into the 8 bits it keeps.
func webpUpsample(a, c, top, bottom []byte, w int) {
	tl, l := int(a[0]), int(c[0]) // above-left and below-left samples
	top[0] = byte((3*tl + l + 2) >> 2)
	if bottom != nil {
		bottom[0] = byte((3*l + tl + 2) >> 2)
	}
	last := (w - 1) >> 1
	a, c = a[:last+1], c[:last+1]
	top, bottom2 := top[:2*last+1], bottom
	for x := 1; x <= last; x++ {
		t, u := int(a[x]), int(c[x])
		avg := tl + t + l + u + 8
		d12 := (avg + 2*(t+l)) >> 3
		d03 := (avg + 2*(tl+u)) >> 3
		top[2*x-1] = byte((d12 + tl) >> 1)
		top[2*x] = byte((d03 + t) >> 1)
		if bottom2 != nil {
			bottom2[2*x-1] = byte((d03 + l) >> 1)
			bottom2[2*x] = byte((d12 + u) >> 1)
		}
		tl, l = t, u
	}
	if w&1 == 0 {
		top = top[:w]
		top[w-1] = byte((3*tl + l + 2) >> 2)
		if bottom != nil {
			bottom[w-1] = byte((3*l + tl + 2) >> 2)
		}
	}
}

// libwebp's fixed-point YUV to RGB terms (src/dsp/yuv.h): 14-bit products
// with 6 fraction bits; the offsets are folded into the U and V terms.
var webpY, webpRV, webpGU, webpGV, webpBU = func() (y, rv, gu, gv, bu [256]int32) {
	for i := range 256 {
		y[i] = int32(i * 19077 >> 8)
		rv[i] = int32(i*26149>>8) - 14234
		gu[i] = int32(i * 6419 >> 8)
		gv[i] = int32(i*13320>>8) - 8708
		bu[i] = int32(i*33050>>8) - 17685
	}
	return
}()

// webpRow converts one row of Y, U and V samples to opaque RGBA.
func webpRow(dst, y, u, v []byte) {
	dst = dst[:4*len(y)]
	u, v = u[:len(y)], v[:len(y)]
	for x, yv := range y {
		yy := webpY[yv]
		p := dst[4*x : 4*x+4 : 4*x+4]
		p[0] = webpClip(yy + webpRV[v[x]])
		p[1] = webpClip(yy - webpGU[u[x]] - webpGV[v[x]])
		p[2] = webpClip(yy + webpBU[u[x]])
		p[3] = 0xff
	}
}

// webpClip is libwebp's VP8Clip8: v has 6 fraction bits.
func webpClip(v int32) byte {
	if v&^(256<<6-1) == 0 {
		return byte(v >> 6)
	}
	if v < 0 {
		return 0
	}
	return 255
}
