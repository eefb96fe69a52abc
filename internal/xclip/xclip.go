//go:build linux && cgo

// Package xclip reads a picture from the X11 clipboard: what a browser, an
// image viewer or a screenshot tool puts there with "Copy image". Fyne 2.7
// reads only text from the clipboard.
//
// It speaks to the X server through Xlib (the same local connection the
// window uses), asks the clipboard's owner which types it offers, takes the
// first image type in the caller's order, and follows the INCR protocol that
// owners use for anything larger than one request (most photos). Every wait
// has a deadline, so an owner that never answers cannot hang the caller.
// Under Wayland the window runs through XWayland, which bridges the clipboard.
package xclip

/*
#cgo LDFLAGS: -lX11
#include <stdlib.h>
#include "xclip.h"
*/
import "C"

import (
	"time"
	"unsafe"
)

var codes = map[C.int]error{
	C.VEIL_CLIP_NO_DISPLAY: ErrNoDisplay,
	C.VEIL_CLIP_EMPTY:      ErrEmpty,
	C.VEIL_CLIP_NO_IMAGE:   ErrNoImage,
	C.VEIL_CLIP_TIMEOUT:    ErrTimeout,
	C.VEIL_CLIP_TOO_LARGE:  ErrTooLarge,
	C.VEIL_CLIP_FAILED:     ErrFailed,
}

// ReadImage returns the clipboard's picture in the first of types (MIME
// types such as "image/png") its owner offers, and that type. It reads at
// most max bytes and waits at most timeout for each answer. It blocks: call
// it off the UI goroutine.
func ReadImage(types []string, max int, timeout time.Duration) ([]byte, string, error) {
	b, typ, _, err := readImage(types, max, timeout)
	return b, typ, err
}

// readImage is ReadImage that also tells whether the owner sent the
// picture in INCR chunks (for the tests).
func readImage(types []string, max int, timeout time.Duration) ([]byte, string, bool, error) {
	if len(types) == 0 || max <= 0 {
		return nil, "", false, ErrNoImage
	}
	ctypes := make([]*C.char, len(types))
	for i, t := range types {
		ctypes[i] = C.CString(t)
		defer C.free(unsafe.Pointer(ctypes[i]))
	}
	var r C.struct_veil_clip
	rc := C.veil_clip_read_image(&ctypes[0], C.int(len(types)), C.ulong(max), C.longlong(timeout.Milliseconds()), &r)
	if err, bad := codes[rc]; bad {
		return nil, "", false, err
	}
	defer C.free(unsafe.Pointer(r.data))
	if r._type < 0 || int(r._type) >= len(types) {
		return nil, "", false, ErrFailed
	}
	return C.GoBytes(unsafe.Pointer(r.data), C.int(r.len)), types[r._type], r.incr != 0, nil
}
