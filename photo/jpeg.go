package photo

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"
)

// JPEG is decoded by libjpeg-turbo with its default settings (ISLOW IDCT,
// fancy upsampling), exactly as djpeg and ImageMagick decode it, so that PDQ
// hashes match Meta's reference bit for bit. Go's image/jpeg differs in the
// IDCT and chroma upsampling (up to 110 bits of PDQ on synthetic images).
//
// The library runs natively through cgo (jpeg_cgo.go) or, where cgo is off
// or the purejpeg tag is set, compiled to WebAssembly and translated to Go
// (jpeg_nocgo.go, photo/internal/libjpegwasm): the same C code either way,
// with the same wrapper (jpeg_turbo.h), so the same pixels.

// libjpeg is one decompression through jpeg_turbo.h. Errors carry libjpeg's
// own message.
type libjpeg interface {
	// Header reads the headers of b, which must stay unchanged until Close:
	// the stored size, the number of components and the colour space.
	Header(b []byte) (w, h, comps, colorSpace int, err error)
	// Start begins decompression at 1/denom scale (1, 2, 4 or 8), to grey
	// or to RGBA; fast selects the fast integer IDCT and plain upsampling.
	Start(gray bool, denom int, fast bool) (w, h int, err error)
	// ReadRows decodes all output rows into dst, stride bytes apart, and
	// finishes decompression.
	ReadRows(dst []byte, stride int) error
	// Gather decodes all rows keeping only listed pixels (see
	// decodeJPEGGather) and reports whether every pixel had R=G=B.
	Gather(dst []byte, bpp int, rowStart, srcX, dstIdx []int32) (grey bool, err error)
	Close()
}

// jpegColorGray is libjpeg's JCS_GRAYSCALE.
const jpegColorGray = 1

// jpegDecoder is a libjpeg decompression and what its headers said.
type jpegDecoder struct {
	lib  libjpeg
	w, h int
	gray bool
}

// openJPEG reads the headers of b with a new decompression from newLib. The
// caller must close it.
func openJPEG(newLib func() libjpeg, b []byte) (*jpegDecoder, error) {
	if len(b) == 0 {
		return nil, ErrEmpty
	}
	d := &jpegDecoder{lib: newLib()}
	w, h, comps, cs, err := d.lib.Header(b)
	if err != nil {
		d.close()
		return nil, jpegError(err)
	}
	d.w, d.h = w, h
	d.gray = comps == 1 && cs == jpegColorGray
	return d, nil
}

// jpegError puts libjpeg's message in Veil's style: "premature end of data
// segment" rather than "Corrupt JPEG data: premature end of data segment"
// (callers say "corrupt jpeg data" themselves).
func jpegError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "Corrupt JPEG data: ")
	if msg == "" {
		msg = "decoder failed"
	}
	return errors.New(strings.ToLower(msg[:1]) + msg[1:])
}

func (d *jpegDecoder) close() { d.lib.Close() }

func jpegConfig(b []byte) (image.Config, error) {
	d, err := openJPEG(newLibjpeg, b)
	if err != nil {
		return image.Config{}, err
	}
	defer d.close()
	m := color.Model(color.NRGBAModel)
	if d.gray {
		m = color.GrayModel
	}
	return image.Config{ColorModel: m, Width: d.w, Height: d.h}, nil
}

// decodeJPEG decodes the full picture exactly as libjpeg-turbo's djpeg does:
// *image.Gray for greyscale files, *image.NRGBA (opaque) otherwise, CMYK and
// YCCK converted as ImageMagick does. Any libjpeg warning (truncated or
// corrupt data) is an error: no partial picture is ever returned.
func decodeJPEG(b []byte) (image.Image, error) {
	return decodeJPEGWith(newLibjpeg, b, 1, false)
}

// decodeJPEGScaled decodes at 1/denom of the stored size (denom 1, 2, 4 or
// 8) using libjpeg's DCT-domain scaling; fast selects the fast integer IDCT
// and plain upsampling, good enough for previews and not for hashing.
func decodeJPEGScaled(b []byte, denom int, fast bool) (image.Image, error) {
	return decodeJPEGWith(newLibjpeg, b, denom, fast)
}

func decodeJPEGWith(newLib func() libjpeg, b []byte, denom int, fast bool) (image.Image, error) {
	d, err := openJPEG(newLib, b)
	if err != nil {
		return nil, err
	}
	defer d.close()
	if err := checkSize(d.w, d.h); err != nil {
		return nil, err
	}
	w, h, err := d.lib.Start(d.gray, denom, fast)
	if err != nil {
		return nil, jpegError(err)
	}
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("corrupt header: output is %dx%d pixels", w, h)
	}
	var pix []byte
	var stride int
	var img image.Image
	if d.gray {
		g := image.NewGray(image.Rect(0, 0, w, h))
		pix, stride, img = g.Pix, g.Stride, g
	} else {
		// libjpeg fills the alpha byte with 255: NRGBA and RGBA are the same here,
		// and NRGBA lets callers read straight colours without conversion.
		n := image.NewNRGBA(image.Rect(0, 0, w, h))
		pix, stride, img = n.Pix, n.Stride, n
	}
	if err := d.lib.ReadRows(pix, stride); err != nil {
		return nil, jpegError(err)
	}
	return img, nil
}

// decodeJPEGGather decodes every row of b and keeps only the pixels listed in
// each view's map (see gatherMap), all in one pass. It also reports whether
// every decoded pixel had R=G=B.
func decodeJPEGGather(b []byte, maps []gatherMap) ([]image.Image, bool, error) {
	return decodeJPEGGatherWith(newLibjpeg, b, maps)
}

func decodeJPEGGatherWith(newLib func() libjpeg, b []byte, maps []gatherMap) ([]image.Image, bool, error) {
	d, err := openJPEG(newLib, b)
	if err != nil {
		return nil, false, err
	}
	defer d.close()
	if err := checkSize(d.w, d.h); err != nil {
		return nil, false, err
	}
	w, h, err := d.lib.Start(d.gray, 1, false)
	if err != nil {
		return nil, false, jpegError(err)
	}
	if w != d.w || h != d.h {
		return nil, false, fmt.Errorf("corrupt header: output is %dx%d pixels", w, h)
	}
	bpp := 4
	if d.gray {
		bpp = 1
	}
	// One destination buffer for all views; the combined map sends each source
	// pixel to its place in it.
	rowStart, srcX, dst, err := gatherIndex(w, h, maps)
	if err != nil {
		return nil, false, err
	}
	total := len(srcX)
	pix := make([]byte, total*bpp)
	grey, err := d.lib.Gather(pix, bpp, rowStart, srcX, dst)
	if err != nil {
		return nil, false, jpegError(err)
	}
	out := make([]image.Image, len(maps))
	base := 0
	for i, m := range maps {
		p := pix[base*bpp : (base+m.w*m.h)*bpp : (base+m.w*m.h)*bpp]
		r := image.Rect(0, 0, m.w, m.h)
		if d.gray {
			out[i] = &image.Gray{Pix: p, Stride: m.w, Rect: r}
		} else {
			out[i] = &image.NRGBA{Pix: p, Stride: 4 * m.w, Rect: r}
		}
		base += m.w * m.h
	}
	return out, d.gray || grey, nil
}
