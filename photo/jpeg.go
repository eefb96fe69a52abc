//go:build cgo

package photo

/*
#cgo LDFLAGS: -ljpeg
#include "jpeg_turbo.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"runtime"
	"strings"
	"unsafe"
)

// JPEG is decoded by libjpeg-turbo with its default settings (ISLOW IDCT,
// fancy upsampling), exactly as djpeg and ImageMagick decode it, so that PDQ
// hashes match Meta's reference bit for bit. Go's image/jpeg differs in the
// IDCT and chroma upsampling (up to 110 bits of PDQ on synthetic images).

// jpegColorGray is libjpeg's JCS_GRAYSCALE.
const jpegColorGray = 1

// jpegDecoder is one libjpeg decompressor reading from a pinned Go buffer.
type jpegDecoder struct {
	v      *C.veil_dec
	pin    runtime.Pinner
	w, h   int
	gray   bool
	closed bool
}

// openJPEG reads the headers of b. The caller must call close.
func openJPEG(b []byte) (*jpegDecoder, error) {
	if len(b) == 0 {
		return nil, ErrEmpty
	}
	d := &jpegDecoder{v: C.veil_new()}
	if d.v == nil {
		return nil, errors.New("out of memory")
	}
	// libjpeg keeps a pointer to the input between calls: pin it so the
	// garbage collector neither moves nor frees it meanwhile.
	d.pin.Pin(&b[0])
	var w, h, comps, cs C.int
	if C.veil_header(d.v, (*C.uchar)(unsafe.Pointer(&b[0])), C.ulong(len(b)), &w, &h, &comps, &cs) != 0 {
		err := d.err()
		d.close()
		return nil, err
	}
	d.w, d.h = int(w), int(h)
	d.gray = comps == 1 && cs == jpegColorGray
	return d, nil
}

// err returns libjpeg's last message in Veil's style: "premature end of
// data segment" rather than "Corrupt JPEG data: premature end of data segment"
// (callers say "corrupt jpeg data" themselves).
func (d *jpegDecoder) err() error {
	msg := strings.TrimPrefix(C.GoString(C.veil_msg(d.v)), "Corrupt JPEG data: ")
	if msg == "" {
		msg = "decoder failed"
	}
	return errors.New(strings.ToLower(msg[:1]) + msg[1:])
}

func (d *jpegDecoder) close() {
	if d.closed {
		return
	}
	d.closed = true
	C.veil_free(d.v)
	d.pin.Unpin()
}

// start begins decompression at 1/denom scale and returns the output size.
func (d *jpegDecoder) start(denom int, fast bool) (int, int, error) {
	kind := C.int(C.VEIL_RGBA)
	if d.gray {
		kind = C.VEIL_GRAY
	}
	f := C.int(0)
	if fast {
		f = 1
	}
	var ow, oh C.int
	if C.veil_start(d.v, kind, C.int(denom), f, &ow, &oh) != 0 {
		return 0, 0, d.err()
	}
	return int(ow), int(oh), nil
}

// readAll decodes the whole picture (output size w×h) into a new image.
func (d *jpegDecoder) readAll(w, h int) (image.Image, error) {
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
	if C.veil_read_all(d.v, (*C.uchar)(unsafe.Pointer(&pix[0])), C.long(stride)) != 0 {
		return nil, d.err()
	}
	return img, nil
}

func jpegConfig(b []byte) (image.Config, error) {
	d, err := openJPEG(b)
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
	return decodeJPEGScaled(b, 1, false)
}

// decodeJPEGScaled decodes at 1/denom of the stored size (denom 1, 2, 4 or
// 8) using libjpeg's DCT-domain scaling; fast selects the fast integer IDCT
// and plain upsampling, good enough for previews and not for hashing.
func decodeJPEGScaled(b []byte, denom int, fast bool) (image.Image, error) {
	d, err := openJPEG(b)
	if err != nil {
		return nil, err
	}
	defer d.close()
	if err := checkSize(d.w, d.h); err != nil {
		return nil, err
	}
	w, h, err := d.start(denom, fast)
	if err != nil {
		return nil, err
	}
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("corrupt header: output is %dx%d pixels", w, h)
	}
	return d.readAll(w, h)
}

// decodeJPEGGather decodes every row of b and keeps only the pixels listed in
// each view's map (see gatherMap), all in one pass. It also reports whether
// every decoded pixel had R=G=B.
func decodeJPEGGather(b []byte, maps []gatherMap) ([]image.Image, bool, error) {
	d, err := openJPEG(b)
	if err != nil {
		return nil, false, err
	}
	defer d.close()
	if err := checkSize(d.w, d.h); err != nil {
		return nil, false, err
	}
	w, h, err := d.start(1, false)
	if err != nil {
		return nil, false, err
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
	grey := C.int(1)
	if C.veil_read_gather(d.v, (*C.uchar)(unsafe.Pointer(&pix[0])), C.int(bpp),
		cInts(rowStart), cInts(srcX), cInts(dst), &grey) != 0 {
		return nil, false, d.err()
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
	return out, d.gray || grey != 0, nil
}

// cInts passes an []int32 to C as int* (C's int is 32 bits on every platform
// Veil builds for).
func cInts(s []int32) *C.int { return (*C.int)(unsafe.Pointer(&s[0])) }
