//go:build !cgo || windows || embeddedheif

package photo

import (
	"bytes"
	"image"

	"github.com/gen2brain/heic"
)

// Where no native libheif is linked (CGO_ENABLED=0, a Windows cross-build,
// or the embeddedheif tag), HEIC is decoded by gen2brain/heic: a pure-Rust
// HEVC decoder compiled to WebAssembly, run as Go code (wasm2go tag) or in
// the wazero runtime. It cannot decode AVIF.

// HEIFDecoder names the decoder this build uses for HEIC, HEIF and AVIF.
const HEIFDecoder = "embedded"

func init() {
	// Never the system libheif through purego: without cgo that library
	// would be an unchecked, unbounded path. With this set, the nodynamic tag
	// only drops the dynamic-loading code from the binary.
	heic.ForceWasmMode = true
}

func backendHEIFConfig(b []byte) (image.Config, error) {
	var cfg image.Config
	err := bounded(func() (err error) {
		cfg, err = heic.DecodeConfig(bytes.NewReader(b))
		return err
	})
	return cfg, err
}

func backendDecodeHEIF(b []byte) (image.Image, error) {
	var img image.Image
	err := bounded(func() (err error) {
		img, err = heic.Decode(bytes.NewReader(b))
		return err
	})
	return img, err
}

func backendSampleHEIF(b []byte, maps []gatherMap) ([]image.Image, bool, error) {
	img, err := backendDecodeHEIF(b)
	if err != nil {
		return nil, false, err
	}
	r := img.Bounds()
	if _, _, _, err := gatherIndex(r.Dx(), r.Dy(), maps); err != nil {
		return nil, false, err
	}
	imgs, grey := gatherImage(img, maps)
	return imgs, grey, nil
}

func backendPreviewHEIF(b []byte, w, h int) (image.Image, error) {
	img, err := backendDecodeHEIF(b)
	if err != nil {
		return nil, err
	}
	return shrink(img, max(w, h)), nil
}
