package app

import (
	"context"
	"image"
	"runtime"
	"sync"

	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/clean"
	"codeberg.org/veil/veil/metadata/inspect"
	"codeberg.org/veil/veil/metadata/verify"
	"codeberg.org/veil/veil/photo"
	"codeberg.org/veil/veil/redact"
	"codeberg.org/veil/veil/redact/detect"
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
	// detect finds faces in an upright image and returns their padded boxes.
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
			if photo.Sniff(b) == photo.HEIF {
				defer withHeadroom()()
			}
			return photo.DecodePreview(b, maxSide)
		},
		decode: func(b []byte) (image.Image, photo.Format, error) {
			if photo.Sniff(b) == photo.HEIF {
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

// redactFormat is the format of a redacted copy: the original's where the
// redaction engine writes it, otherwise PNG for GIF and TIFF (lossless, as
// they were) and JPEG for HEIC (photos, and readable everywhere).
func redactFormat(f photo.Format) photo.Format {
	switch f {
	case photo.JPEG, photo.PNG, photo.WebP:
		return f
	case photo.GIF, photo.TIFF:
		return photo.PNG
	}
	return photo.JPEG
}

var (
	detectorOnce sync.Once
	detector     *detect.Detector
	detectorErr  error
)

// detectFaces runs the face detector with its redaction settings (every
// pass, padded boxes) and returns the boxes to cover.
func detectFaces(ctx context.Context, upright image.Image) ([]image.Rectangle, error) {
	detectorOnce.Do(func() {
		detector, detectorErr = detect.New()
		if detectorErr == nil {
			// One core stays free for the window: with every core busy, the
			// UI goroutine, the software GL renderer and the X server wait
			// behind the detector and the window stalls for 100-250 ms.
			detector = detector.WithThreads(runtime.NumCPU() - 1)
		}
	})
	if detectorErr != nil {
		return nil, detectorErr
	}
	faces, err := detector.Detect(ctx, upright, detect.DefaultOptions())
	if err != nil {
		return nil, err
	}
	boxes := make([]image.Rectangle, len(faces))
	for i, f := range faces {
		// Grown to the crown, ears and chin, as veil redact --faces does.
		boxes[i] = redact.FaceRect(f.Box, f.Raw)
	}
	return boxes, nil
}
