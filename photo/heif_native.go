//go:build cgo && !windows && !embeddedheif

package photo

/*
#cgo pkg-config: libheif libde265
#include "heif_native.h"
#include "heif_ycbcr.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
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
	return runHEIF(func() error {
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
	})
}

// runHEIF runs decode, which decodes HEVC through veil_hevc_plugin, holding
// heifSlot and within heifTimeout.
func runHEIF(decode func() error) error {
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
		done <- decode()
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

// backendPreviewHEIF decodes b resampled to w×h: a grid of plain HEVC
// tiles from their YCbCr planes (heif_ycbcr.go), anything else through
// libheif.
func backendPreviewHEIF(b []byte, w, h int) (image.Image, error) {
	if m, ok, err := previewYCbCr(b, w, h); ok {
		return m, err
	}
	return previewLibheif(b, w, h)
}

// previewLibheif decodes b with libheif and resamples it to w×h in C,
// without a full-size copy of the picture, in bands of rows on all cores.
func previewLibheif(b []byte, w, h int) (image.Image, error) {
	var img *image.NRGBA
	err := decodeNative(b, func(d *heifHandle) error {
		var pl C.veil_planes
		if C.veil_heif_planes(d.v, &pl, C.int(d.w), C.int(d.h), d.calpha()) != 0 {
			return d.err()
		}
		defer C.veil_heif_release(d.v)
		m := image.NewNRGBA(image.Rect(0, 0, w, h))
		err := inBands(h, func(y0, y1 int) error {
			if C.veil_heif_scale_rows(&pl, (*C.uchar)(unsafe.Pointer(&m.Pix[0])), C.long(m.Stride), C.int(d.w), C.int(d.h),
				C.int(w), C.int(h), C.int(y0), C.int(y1)) != 0 {
				return errors.New("out of memory")
			}
			return nil
		})
		if err != nil {
			return err
		}
		img = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return img, nil
}

// ycbcrCanvas is the YCbCr picture the preview's fast path pastes decoded
// tiles into (heif_ycbcr.h), in C memory: it is written once, read once
// and freed, so Go need not zero it.
type ycbcrCanvas struct{ c *C.veil_ycbcr }

func newYCbCrCanvas(w, h int) (*ycbcrCanvas, error) {
	c := &ycbcrCanvas{c: (*C.veil_ycbcr)(C.calloc(1, C.sizeof_veil_ycbcr))}
	if c.c == nil {
		return nil, errors.New("out of memory")
	}
	c.c.w, c.c.h = C.int(w), C.int(h)
	cw, ch := (w+1)/2, (h+1)/2
	for i, n := range []int{w * h, cw * ch, cw * ch} {
		c.c.p[i] = (*C.uint8_t)(C.malloc(C.size_t(n)))
		if c.c.p[i] == nil {
			c.free()
			return nil, errors.New("out of memory")
		}
	}
	return c, nil
}

func (c *ycbcrCanvas) free() {
	for i := range c.c.p {
		C.free(unsafe.Pointer(c.c.p[i]))
	}
	C.free(unsafe.Pointer(c.c))
	c.c = nil
}

// decodeTile decodes one tile into the canvas at (x0, y0) and returns the
// colour description in its bitstream. Tiles may be decoded concurrently:
// each writes only its own part of the canvas.
func (c *ycbcrCanvas) decodeTile(data []byte, x0, y0, tw, th int) (tileColour, error) {
	if len(data) == 0 {
		return tileColour{}, errors.New("empty HEVC tile")
	}
	t := C.veil_tile{dst: c.c, x0: C.int(x0), y0: C.int(y0), tw: C.int(tw), th: C.int(th)}
	if C.veil_tile_decode(&t, (*C.uint8_t)(unsafe.Pointer(&data[0])), C.size_t(len(data))) != 0 {
		msg := C.GoString(&t.msg[0])
		if strings.HasPrefix(msg, "veil:") {
			return tileColour{}, errNotYCbCr
		}
		return tileColour{}, errors.New(msg)
	}
	return tileColour{matrix: int(t.matrix), full: t.full != 0}, nil
}

// scale resamples the canvas to sw×sh, converting with col, in bands of
// rows on all cores, and writes it onto m turned irot quarter turns
// counter-clockwise.
func (c *ycbcrCanvas) scale(m *image.NRGBA, sw, sh, irot int, col tileColour) error {
	rcr, gcb, gcr, bcb, ok := ycbcrCoefficients(col.matrix)
	if !ok {
		return errNotYCbCr
	}
	// libheif's limited-range scale factors.
	ky, kc, yoff := float32(1), float32(1), 0
	if !col.full {
		ky, kc, yoff = 1.1689, 1.1429, 16
	}
	fix := func(f float32) C.int { return C.int(math.Round(float64(f) * 65536)) }
	k := C.veil_ycc{ky: fix(ky), yoff: C.int(yoff), rcr: fix(rcr * kc), gcb: fix(gcb * kc), gcr: fix(gcr * kc),
		bcb: fix(bcb * kc)}
	// Where stored pixel (0, 0) goes, and the steps to its right and below.
	s := m.Stride
	origin, xstep, ystep := 0, 4, s
	switch irot % 4 {
	case 1: // (x, y) to (y, sw-1-x)
		origin, xstep, ystep = (sw-1)*s, -s, 4
	case 2: // to (sw-1-x, sh-1-y)
		origin, xstep, ystep = (sh-1)*s+4*(sw-1), -4, -s
	case 3: // to (sh-1-y, x)
		origin, xstep, ystep = 4*(sh-1), s, -4
	}
	return inBands(sh, func(y0, y1 int) error {
		if C.veil_ycbcr_scale_rows(c.c, &k, (*C.uchar)(unsafe.Pointer(&m.Pix[origin])), C.long(xstep), C.long(ystep),
			C.int(sw), C.int(sh), C.int(y0), C.int(y1)) != 0 {
			return errors.New("out of memory")
		}
		return nil
	})
}
