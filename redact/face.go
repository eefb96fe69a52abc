package redact

import (
	"context"
	"image"

	"codeberg.org/veil/veil/redact/detect"
)

// Margins added around a face detector's tight (forehead-to-chin) box when it
// is redacted, as fractions of the box's width (sides) and height (top,
// bottom). Hair, ears and the crown of a head identify a person too; the top
// margin is the largest because detectors stop at the eyebrows' height of the
// forehead, and a bald crown or a hairline is above that. Checked against the
// hand-drawn boxes of ../shared/fixtures/faces (e2e TestRedactFacesCoversEveryBox).
const (
	FaceSideMargin   = 0.35
	FaceTopMargin    = 0.60
	FaceBottomMargin = 0.35
)

// FaceRect returns the area to redact for a detected face: the detector's
// padded box, grown to cover the tight box raw plus the face margins. It is
// not clipped; Apply clips.
func FaceRect(padded, raw image.Rectangle) image.Rectangle {
	w, h := float64(raw.Dx()), float64(raw.Dy())
	grown := image.Rect(
		raw.Min.X-int(FaceSideMargin*w+0.5),
		raw.Min.Y-int(FaceTopMargin*h+0.5),
		raw.Max.X+int(FaceSideMargin*w+0.5),
		raw.Max.Y+int(FaceBottomMargin*h+0.5),
	)
	if padded.Empty() {
		return grown
	}
	return grown.Union(padded)
}

// FindFaces finds the faces in img, which must be upright (orientation
// applied), with the detector's redaction settings (every pass, padded
// boxes), and returns the areas to cover: each grown by FaceRect, in pixels
// from img's top-left corner. threads bounds the goroutines one detection
// uses (0 or less: one per core); an interactive program leaves a core to
// its window.
func FindFaces(ctx context.Context, img image.Image, threads int) ([]image.Rectangle, error) {
	d, err := detect.New()
	if err != nil {
		return nil, err
	}
	if threads > 0 {
		d = d.WithThreads(threads)
	}
	faces, err := d.Detect(ctx, img, detect.DefaultOptions())
	if err != nil {
		return nil, err
	}
	origin := img.Bounds().Min
	boxes := make([]image.Rectangle, len(faces))
	for i, f := range faces {
		boxes[i] = FaceRect(f.Box, f.Raw).Sub(origin)
	}
	return boxes, nil
}
