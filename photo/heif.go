package photo

import (
	"errors"
	"fmt"
	"image"
	"time"

	"codeberg.org/veil/veil/internal/bmff"
)

// Bounds for the ISO-BMFF sanity walk.
const (
	heifMaxDepth = 12
	heifMaxBoxes = 20000
)

// heifTimeout bounds one HEIF decode. The decoder (libheif compiled to
// WebAssembly, then to Go by wasm2go) cannot be interrupted; a file that keeps
// it busy this long is reported instead of waited on.
var heifTimeout = 60 * time.Second

// heifContainers are the boxes whose payload is a list of child boxes, and how
// many header bytes precede the children (FullBox version and flags, counts).
var heifContainers = map[string]func(p []byte) int{
	"meta": func([]byte) int { return 4 },
	"iprp": func([]byte) int { return 0 },
	"ipco": func([]byte) int { return 0 },
	"dinf": func([]byte) int { return 0 },
	"iref": func([]byte) int { return 4 },
	"iinf": func(p []byte) int {
		if len(p) > 0 && p[0] == 0 {
			return 6 // version 0: 16-bit entry count
		}
		return 8
	},
	"moov": func([]byte) int { return 0 },
	"trak": func([]byte) int { return 0 },
	"mdia": func([]byte) int { return 0 },
	"minf": func([]byte) int { return 0 },
	"stbl": func([]byte) int { return 0 },
}

// checkHEIF walks the box tree of an ISO-BMFF file with strict bounds before
// any third-party decoder sees it: every box inside its parent, no zero-size
// box except a final top-level one, bounded depth and count, an ftyp first and
// a meta box present. Hostile files built to loop or nest a decoder stop here.
func checkHEIF(b []byte) error {
	count := 0
	var walk func(p []byte, depth int, top bool) (sawMeta bool, err error)
	walk = func(p []byte, depth int, top bool) (bool, error) {
		if depth > heifMaxDepth {
			return false, errors.New("boxes nested too deeply")
		}
		sawMeta := false
		for i := 0; i < len(p); {
			if count++; count > heifMaxBoxes {
				return false, errors.New("too many boxes")
			}
			h, err := bmff.ParseHeader(p[i:])
			typ := h.Type
			switch {
			case err != nil && len(p)-i < 8:
				return false, fmt.Errorf("truncated box header at offset %d", i)
			case err != nil:
				return false, fmt.Errorf("truncated %q box header", typ)
			}
			size := h.Size
			if size == 0 && !h.Large {
				if !top {
					return false, fmt.Errorf("zero-size %q box inside another box", typ)
				}
				size = uint64(len(p) - i)
			}
			if size < uint64(h.Len) || size > uint64(len(p)-i) {
				return false, fmt.Errorf("%q box runs past the end of its container", typ)
			}
			if top && i == 0 && typ != "ftyp" {
				return false, errors.New("no ftyp box at the start")
			}
			payload := p[i+h.Len : i+int(size)]
			if skip, ok := heifContainers[typ]; ok {
				n := skip(payload)
				if n > len(payload) {
					return false, fmt.Errorf("truncated %q box", typ)
				}
				if _, err := walk(payload[n:], depth+1, false); err != nil {
					return false, err
				}
			}
			if typ == "meta" {
				sawMeta = true
			}
			i += int(size)
		}
		return sawMeta, nil
	}
	sawMeta, err := walk(b, 0, true)
	if err != nil {
		return err
	}
	if !sawMeta {
		return errors.New("no meta box: not a still image")
	}
	return nil
}

// heifConfig checks the file's boxes and items (checkHEIF, checkHEIFItems)
// before the decoder reads its header.
func heifConfig(b []byte) (image.Config, error) {
	if err := checkHEIF(b); err != nil {
		return image.Config{}, err
	}
	if err := checkHEIFItems(b); err != nil {
		return image.Config{}, err
	}
	return backendHEIFConfig(b)
}

// decodeHEIF decodes the primary image of b; Decode has checked it with
// heifConfig first.
func decodeHEIF(b []byte) (image.Image, error) {
	return backendDecodeHEIF(b)
}

// bounded runs f with a time limit and turns a panic into an error.
func bounded(f func() error) error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("decoder failed: %v", r)
			}
		}()
		done <- f()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(heifTimeout):
		return fmt.Errorf("the HEIF decoder did not finish within %v", heifTimeout)
	}
}
