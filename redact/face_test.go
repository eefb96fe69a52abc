package redact

import (
	"image"
	"testing"
)

func TestFaceRect(t *testing.T) {
	raw := image.Rect(100, 100, 200, 220) // 100×120
	got := FaceRect(image.Rect(75, 70, 225, 250), raw)
	want := image.Rect(65, 28, 235, 262)
	if got != want {
		t.Errorf("FaceRect = %v, want %v", got, want)
	}
	if !raw.In(got) {
		t.Error("the tight box is not inside")
	}
	// A detector box larger than the margins is kept whole.
	big := image.Rect(0, 0, 400, 400)
	if got := FaceRect(big, raw); got != big {
		t.Errorf("FaceRect with a large padded box = %v", got)
	}
	if got := FaceRect(image.Rectangle{}, raw); got != want.Union(image.Rect(65, 28, 235, 262)) {
		t.Errorf("FaceRect without a padded box = %v", got)
	}
}
