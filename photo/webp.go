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
	yrow := func(y int) []byte { return m.Y[y*m.YStride : y*m.YStride+w] }
	cw := (w + 1) / 2
	crow := func(p []byte, cy int) []byte { return p[cy*m.CStride : cy*m.CStride+cw] }
	orow := func(y int) []byte { return out.Pix[y*out.Stride : y*out.Stride+4*w] }
	// Row 0 pairs chroma row 0 with itself.
	webpUpsamplePair(yrow(0), nil, crow(m.Cb, 0), crow(m.Cr, 0), crow(m.Cb, 0), crow(m.Cr, 0), orow(0), nil, w)
	// Then rows 2k-1 and 2k together, between chroma rows k-1 and k.
	y := 1
	for ; y+1 < h; y += 2 {
		k := (y + 1) / 2
		webpUpsamplePair(yrow(y), yrow(y+1), crow(m.Cb, k-1), crow(m.Cr, k-1), crow(m.Cb, k), crow(m.Cr, k), orow(y), orow(y+1), w)
	}
	// With an even height the last row is left: its own chroma row only.
	if y < h {
		k := (h - 1) / 2
		webpUpsamplePair(yrow(y), nil, crow(m.Cb, k), crow(m.Cr, k), crow(m.Cb, k), crow(m.Cr, k), orow(y), nil, w)
	}
	if alpha == nil {
		for i := 3; i < len(out.Pix); i += 4 {
			out.Pix[i] = 0xff
		}
		return out
	}
	for y := 0; y < h; y++ {
		a, o := alpha[y*astride:y*astride+w], orow(y)
		for x, v := range a {
			o[4*x+3] = v
		}
	}
	return out
}

// webpUpsamplePair makes output rows top (from luma topY) and, when bottomY
// is not nil, bottom (from bottomY), with the chroma rows tu/tv above and
// cu/cv below them. The integer arithmetic, rounding included, is libwebp's
// (its SSE2 and NEON versions are bit-exact with its C one).
func webpUpsamplePair(topY, bottomY, tu, tv, cu, cv, top, bottom []byte, w int) {
	tlU, tlV := int(tu[0]), int(tv[0]) // chroma above-left
	lU, lV := int(cu[0]), int(cv[0])   // chroma below-left
	webpPixel(top, 0, topY[0], (3*tlU+lU+2)>>2, (3*tlV+lV+2)>>2)
	if bottomY != nil {
		webpPixel(bottom, 0, bottomY[0], (3*lU+tlU+2)>>2, (3*lV+tlV+2)>>2)
	}
	for x := 1; x <= (w-1)>>1; x++ {
		tU, tV := int(tu[x]), int(tv[x])
		uU, uV := int(cu[x]), int(cv[x])
		avgU, avgV := tlU+tU+lU+uU+8, tlV+tV+lV+uV+8
		d12U, d12V := (avgU+2*(tU+lU))>>3, (avgV+2*(tV+lV))>>3
		d03U, d03V := (avgU+2*(tlU+uU))>>3, (avgV+2*(tlV+uV))>>3
		webpPixel(top, 2*x-1, topY[2*x-1], (d12U+tlU)>>1, (d12V+tlV)>>1)
		webpPixel(top, 2*x, topY[2*x], (d03U+tU)>>1, (d03V+tV)>>1)
		if bottomY != nil {
			webpPixel(bottom, 2*x-1, bottomY[2*x-1], (d03U+lU)>>1, (d03V+lV)>>1)
			webpPixel(bottom, 2*x, bottomY[2*x], (d12U+uU)>>1, (d12V+uV)>>1)
		}
		tlU, tlV, lU, lV = tU, tV, uU, uV
	}
	if w&1 == 0 {
		webpPixel(top, w-1, topY[w-1], (3*tlU+lU+2)>>2, (3*tlV+lV+2)>>2)
		if bottomY != nil {
			webpPixel(bottom, w-1, bottomY[w-1], (3*lU+tlU+2)>>2, (3*lV+tlV+2)>>2)
		}
	}
}

// webpPixel writes pixel x of an RGBA row from Y, U and V with libwebp's
// fixed-point formula (src/dsp/yuv.h): 14-bit products, 6 fraction bits.
func webpPixel(row []byte, x int, y byte, u, v int) {
	yy := int(y) * 19077 >> 8
	p := row[4*x : 4*x+3 : 4*x+3]
	p[0] = webpClip(yy + v*26149>>8 - 14234)
	p[1] = webpClip(yy - u*6419>>8 - v*13320>>8 + 8708)
	p[2] = webpClip(yy + u*33050>>8 - 17685)
}

// webpClip is libwebp's VP8Clip8: v has 6 fraction bits.
func webpClip(v int) byte {
	if v&^(256<<6-1) == 0 {
		return byte(v >> 6)
	}
	if v < 0 {
		return 0
	}
	return 255
}
