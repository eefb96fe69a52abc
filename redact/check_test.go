package redact

import (
	"errors"
	"image"
	"strings"
	"testing"
)

// TestCheckCatchesTranslucent: a pixelated or blurred region with one pixel
// left see-through fails the check.
func TestCheckCatchesTranslucent(t *testing.T) {
	in := pattern(40, 40)
	for _, style := range []Style{Pixelate, Blur} {
		regions := []Region{{Rect: image.Rect(2, 2, 38, 38), Style: style}}
		out, err := Apply(in, regions)
		if err != nil {
			t.Fatal(err)
		}
		ordered, _ := prepare(in.Rect.Size(), regions)
		if err := check(out, ordered); err != nil {
			t.Fatalf("%s: the painted image fails: %v", style, err)
		}
		out.Pix[out.PixOffset(20, 30)+3] = 200
		err = check(out, ordered)
		if !errors.Is(err, ErrNotRedacted) || !strings.Contains(err.Error(), "(20,30) is not opaque") {
			t.Errorf("%s: err = %v, want pixel (20,30) not opaque", style, err)
		}
	}
}
