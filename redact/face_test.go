package redact

import (
	"context"
	"image"
	"image/draw"
	"os"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/photo"
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

// TestFindFaces: a real portrait gives one area over the annotated face, in
// pixels from the image's top-left corner whatever its bounds' origin.
func TestFindFaces(t *testing.T) {
	p := testenv.Shared(t, "fixtures/faces/skimage_astronaut.png")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := photo.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	boxes, err := FindFaces(context.Background(), img, 1)
	if err != nil {
		t.Fatal(err)
	}
	// boxes.txt annotates the astronaut's face at 178,65 91x111.
	if face := image.Rect(178, 65, 178+91, 65+111); len(boxes) != 1 || !face.In(boxes[0]) {
		t.Fatalf("areas %v, want one covering %v", boxes, face)
	}
	// The same pixels with their origin elsewhere give the same areas.
	moved := image.NewNRGBA(img.Bounds().Add(image.Pt(300, -40)))
	draw.Draw(moved, moved.Bounds(), img, img.Bounds().Min, draw.Src)
	again, err := FindFaces(context.Background(), moved, 0)
	if err != nil || len(again) != 1 || again[0] != boxes[0] {
		t.Errorf("with the origin moved: %v, %v; want %v", again, err, boxes)
	}
}

func TestOutputFor(t *testing.T) {
	for in, want := range map[photo.Format]photo.Format{
		photo.JPEG: photo.JPEG, photo.PNG: photo.PNG, photo.WebP: photo.WebP,
		photo.GIF: photo.PNG, photo.TIFF: photo.PNG, photo.HEIF: photo.JPEG,
	} {
		if got := OutputFor(in); got != want {
			t.Errorf("OutputFor(%v) = %v, want %v", in, got, want)
		}
	}
}
