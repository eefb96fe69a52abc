//go:build cgo && !windows && !embeddedheif

package photo

/*
#cgo pkg-config: libheif libde265
#include "heif_native.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// HEIC, HEIF and AVIF are decoded by the system's libheif, as the JPEG path
// uses libjpeg-turbo: HEVC through Veil's strict libde265 plugin
// (heif_hevc.h), AV1 through the decoder built into libheif (dav1d on Debian).

// HEIFDecoder names the decoder this build uses for HEIC, HEIF and AVIF.
const HEIFDecoder = "libheif"

// heifThreads bounds libheif's parallel decoding of the tiles of a grid.
var heifThreads = min(runtime.NumCPU(), 4)

// heifSlot lets one libheif decode run at a time. A decode that overran
// heifTimeout keeps the slot until libheif returns (it cannot be interrupted
// inside a tile), so hostile files cannot pile up threads and memory; and
// with one decode at a time, one cancel flag (veil_hevc_cancel) serves.
var heifSlot = make(chan struct{}, 1)

// heifRun says which decode holds the slot, so that a deadline passing just
// as its decode returns never stops the next file's decode.
var heifRun struct {
	sync.Mutex
	gen     uint64
	running bool
}

var (
	registerOnce sync.Once
	registerErr  error
)

// registerHEVC puts Veil's HEVC plugin ahead of libheif's own.
func registerHEVC() error {
	registerOnce.Do(func() {
		var msg [160]C.char
		if C.veil_hevc_register(&msg[0], C.int(len(msg))) != 0 {
			registerErr = fmt.Errorf("cannot set up the HEVC decoder: %s", C.GoString(&msg[0]))
		}
	})
	return registerErr
}

// heifHandle is one libheif context reading from a pinned Go buffer.
type heifHandle struct {
	v           *C.veil_heif
	pin         runtime.Pinner
	w, h        int
	alpha, prem bool
}

func openHEIF(b []byte) (*heifHandle, error) {
	if len(b) == 0 {
		return nil, ErrEmpty
	}
	d := &heifHandle{v: C.veil_heif_new()}
	if d.v == nil {
		return nil, errors.New("out of memory")
	}
	// libheif reads the buffer during later calls: pin it.
	d.pin.Pin(&b[0])
	var w, h, alpha, prem C.int
	if C.veil_heif_open(d.v, unsafe.Pointer(&b[0]), C.size_t(len(b)), C.int(heifThreads), &w, &h, &alpha, &prem) != 0 {
		err := d.err()
		d.close()
		return nil, err
	}
	d.w, d.h, d.alpha, d.prem = int(w), int(h), alpha != 0, prem != 0
	return d, nil
}

// err returns libheif's last message in Veil's style (lower case, no
// trailing full stop).
func (d *heifHandle) err() error {
	return errors.New(heifMessage(C.GoString(C.veil_heif_msg(d.v))))
}

// heifMessage turns libheif's "Decoder plugin generated an error:
// Unspecified: CTB outside of image area (concealing stream error...)" into
// "CTB outside of image area": callers say what failed themselves.
func heifMessage(msg string) string {
	msg = strings.TrimSpace(msg)
	for _, p := range []string{"Decoder plugin generated an error:", "Unspecified:", "Invalid input:", "Unsupported feature:"} {
		msg = strings.TrimSpace(strings.TrimPrefix(msg, p))
	}
	msg = strings.TrimSuffix(strings.TrimSuffix(msg, "(concealing stream error...)"), ".")
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return "decoder failed"
	}
	// Lower-case a first word, not an acronym (CTB, HEVC).
	if len(msg) > 1 && msg[1] >= 'a' && msg[1] <= 'z' {
		msg = strings.ToLower(msg[:1]) + msg[1:]
	}
	return msg
}

func (d *heifHandle) close() {
	C.veil_heif_free(d.v)
	d.v = nil
	d.pin.Unpin()
}

func (d *heifHandle) calpha() C.int {
	if d.alpha {
		return 1
	}
	return 0
}

// newImage allocates the decoded picture's Go image: *image.RGBA when the
// file's alpha is premultiplied, *image.NRGBA otherwise.
func (d *heifHandle) newImage(r image.Rectangle) (image.Image, []byte) {
	if d.alpha && d.prem {
		m := image.NewRGBA(r)
		return m, m.Pix
	}
	m := image.NewNRGBA(r)
	return m, m.Pix
}

func backendHEIFConfig(b []byte) (image.Config, error) {
	d, err := openHEIF(b)
	if err != nil {
		return image.Config{}, err
	}
	defer d.close()
	return image.Config{ColorModel: color.NRGBAModel, Width: d.w, Height: d.h}, nil
}

// decodeNative opens b, decodes its primary image within heifTimeout and
// hands the decoded planes to finish.
func decodeNative(b []byte, finish func(d *heifHandle) error) error {
	if err := registerHEVC(); err != nil {
		return err
	}
	deadline := time.NewTimer(heifTimeout)
	defer deadline.Stop()
	select {
	case heifSlot <- struct{}{}:
	case <-deadline.C:
		return fmt.Errorf("the HEIF decoder is still busy with an earlier file after %v", heifTimeout)
	}
	heifRun.Lock()
	heifRun.gen++
	gen := heifRun.gen
	heifRun.running = true
	C.veil_hevc_set_cancel(0)
	heifRun.Unlock()
	done := make(chan error, 1)
	go func() {
		defer func() {
			heifRun.Lock()
			heifRun.running = false
			heifRun.Unlock()
			<-heifSlot
		}()
		done <- func() error {
			d, err := openHEIF(b)
			if err != nil {
				return err
			}
			defer d.close()
			if err := checkSize(d.w, d.h); err != nil {
				return err
			}
			if C.veil_heif_decode(d.v, d.calpha()) != 0 {
				return d.err()
			}
			return finish(d)
		}()
	}()
	select {
	case err := <-done:
		return err
	case <-deadline.C:
		// The tiles not yet started are skipped; the one under way finishes
		// in the background, holding the slot.
		heifRun.Lock()
		if heifRun.running && heifRun.gen == gen {
			C.veil_hevc_set_cancel(1)
		}
		heifRun.Unlock()
		return fmt.Errorf("the HEIF decoder did not finish within %v", heifTimeout)
	}
}

func backendDecodeHEIF(b []byte) (image.Image, error) {
	var img image.Image
	err := decodeNative(b, func(d *heifHandle) error {
		m, pix := d.newImage(image.Rect(0, 0, d.w, d.h))
		if C.veil_heif_copy(d.v, (*C.uchar)(unsafe.Pointer(&pix[0])), C.long(4*d.w), C.int(d.w), C.int(d.h), d.calpha()) != 0 {
			return d.err()
		}
		img = m
		return nil
	})
	return img, err
}

// backendSampleHEIF decodes b and keeps only the pixels each map lists (see
// gatherMap), without a full-size copy of the picture.
func backendSampleHEIF(b []byte, maps []gatherMap) ([]image.Image, bool, error) {
	var out []image.Image
	var grey bool
	err := decodeNative(b, func(d *heifHandle) error {
		rowStart, srcX, dst, err := gatherIndex(d.w, d.h, maps)
		if err != nil {
			return err
		}
		pix := make([]byte, 4*len(srcX))
		g := C.int(1)
		if C.veil_heif_gather(d.v, (*C.uchar)(unsafe.Pointer(&pix[0])), C.int(d.w), C.int(d.h), d.calpha(),
			cInts(rowStart), cInts(srcX), cInts(dst), &g) != 0 {
			return d.err()
		}
		out = make([]image.Image, len(maps))
		base := 0
		for i, m := range maps {
			n := 4 * m.w * m.h
			p := pix[base : base+n : base+n]
			r := image.Rect(0, 0, m.w, m.h)
			if d.alpha && d.prem {
				out[i] = &image.RGBA{Pix: p, Stride: 4 * m.w, Rect: r}
			} else {
				out[i] = &image.NRGBA{Pix: p, Stride: 4 * m.w, Rect: r}
			}
			base += n
		}
		grey = g != 0
		return nil
	})
	return out, grey, err
}

// backendPreviewHEIF decodes b and resamples it to w×h in C, without a
// full-size copy of the picture.
func backendPreviewHEIF(b []byte, w, h int) (image.Image, error) {
	var img *image.NRGBA
	err := decodeNative(b, func(d *heifHandle) error {
		m := image.NewNRGBA(image.Rect(0, 0, w, h))
		if C.veil_heif_scale(d.v, (*C.uchar)(unsafe.Pointer(&m.Pix[0])), C.long(m.Stride), C.int(d.w), C.int(d.h),
			d.calpha(), C.int(w), C.int(h)) != 0 {
			return d.err()
		}
		img = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return img, nil
}
