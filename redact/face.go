package redact

import "image"

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
