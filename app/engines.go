package app

import (
	"context"
	"image"
	"runtime"

	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/clean"
	"codeberg.org/veil/veil/metadata/inspect"
	"codeberg.org/veil/veil/metadata/verify"
	"codeberg.org/veil/veil/photo"
	"codeberg.org/veil/veil/redact"
)

// engines are the calls the app makes into Veil's engines. The app adds no
// logic of its own: each field is one engine function. Tests replace single
// fields (a fake detector, a slow cleaner) to drive the interface.
type engines struct {
	// preview decodes a display copy no larger than maxSide (stored orientation).
	preview func(b []byte, maxSide int) (image.Image, photo.Format, error)
	// decode decodes the full image (stored orientation).
	decode  func(b []byte) (image.Image, photo.Format, error)
	inspect func(b []byte) (*metadata.Report, error)
	clean   func(b []byte, o metadata.Options) (*metadata.Result, error)
	verify  func(b []byte, o metadata.Options) error
	// detect finds faces in an upright image and returns the areas to cover,
	// in pixels from its top-left corner.
	detect func(ctx context.Context, upright image.Image) ([]image.Rectangle, error)
	apply  func(img image.Image, rs []redact.Region) (*image.NRGBA, error)
	// redact burns regions into the upright image in place (the caller hands
	// it over) and encodes a verified file.
	redact func(owned *image.NRGBA, rs []redact.Region, f photo.Format) ([]byte, error)
}

// defaultEngines wires the real engines.
func defaultEngines() engines {
	return engines{
		preview: func(b []byte, maxSide int) (image.Image, photo.Format, error) {
			if needsHeadroom(b) {
				defer withHeadroom()()
			}
			return photo.DecodePreview(b, maxSide)
		},
		decode: func(b []byte) (image.Image, photo.Format, error) {
			if needsHeadroom(b) {
				defer withHeadroom()()
			}
			return photo.Decode(b)
		},
		inspect: inspect.File,
		clean:   clean.File,
		verify:  verify.File,
		detect:  detectFaces,
		apply:   redact.Apply,
		redact:  redact.RedactOwned,
	}
}

// detectFaces finds faces with the redaction settings. One core stays free
// for the window: with every core busy, the UI goroutine, the software GL
// renderer and the X server wait behind the detector and the window stalls.
func detectFaces(ctx context.Context, upright image.Image) ([]image.Rectangle, error) {
	return redact.FindFaces(ctx, upright, runtime.NumCPU()-1)
}
