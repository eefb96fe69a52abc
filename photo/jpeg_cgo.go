//go:build cgo && !purejpeg

package photo

/*
#cgo LDFLAGS: -ljpeg
#include "jpeg_turbo.h"
*/
import "C"

import (
	"errors"
	"runtime"
	"unsafe"
)

// newLibjpeg starts a decompression with the native libjpeg-turbo.
func newLibjpeg() libjpeg { return &cgoJPEG{} }

// cgoJPEG is one native libjpeg decompression reading from a pinned Go
// buffer.
type cgoJPEG struct {
	v   *C.veil_dec
	pin runtime.Pinner
}

func (d *cgoJPEG) fail() error { return errors.New(C.GoString(C.veil_msg(d.v))) }

func (d *cgoJPEG) Header(b []byte) (w, h, comps, cs int, err error) {
	if d.v = C.veil_new(); d.v == nil {
		return 0, 0, 0, 0, errors.New("out of memory")
	}
	// libjpeg keeps a pointer to the input between calls: pin it so the
	// garbage collector neither moves nor frees it meanwhile.
	d.pin.Pin(&b[0])
	var cw, ch, cc, ccs C.int
	if C.veil_header(d.v, (*C.uchar)(unsafe.Pointer(&b[0])), C.ulong(len(b)), &cw, &ch, &cc, &ccs) != 0 {
		return 0, 0, 0, 0, d.fail()
	}
	return int(cw), int(ch), int(cc), int(ccs), nil
}

func (d *cgoJPEG) Start(gray bool, denom int, fast bool) (int, int, error) {
	kind := C.int(C.VEIL_RGBA)
	if gray {
		kind = C.VEIL_GRAY
	}
	f := C.int(0)
	if fast {
		f = 1
	}
	var ow, oh C.int
	if C.veil_start(d.v, kind, C.int(denom), f, &ow, &oh) != 0 {
		return 0, 0, d.fail()
	}
	return int(ow), int(oh), nil
}

func (d *cgoJPEG) ReadRows(dst []byte, stride int) error {
	var got C.int
	if C.veil_read_rows(d.v, (*C.uchar)(unsafe.Pointer(&dst[0])), C.long(stride), C.int(len(dst)/stride), &got) != 0 {
		return d.fail()
	}
	return nil
}

func (d *cgoJPEG) Gather(dst []byte, bpp int, rowStart, srcX, dstIdx []int32) (bool, error) {
	grey := C.int(1)
	if C.veil_read_gather(d.v, (*C.uchar)(unsafe.Pointer(&dst[0])), C.int(bpp),
		cInts(rowStart), cInts(srcX), cInts(dstIdx), &grey) != 0 {
		return false, d.fail()
	}
	return grey != 0, nil
}

func (d *cgoJPEG) Close() {
	if d.v != nil {
		C.veil_free(d.v)
		d.v = nil
	}
	d.pin.Unpin()
}

// cInts passes an []int32 to C as int* (C's int is 32 bits on every platform
// Veil builds for).
func cInts(s []int32) *C.int { return (*C.int)(unsafe.Pointer(&s[0])) }
