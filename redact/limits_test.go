package redact

import (
	"errors"
	"image"
	"image/color"
	"strings"
	"testing"

	"codeberg.org/veil/veil/photo"
)

func TestSizeLimit(t *testing.T) {
	if err := CheckSize(8200, 8200); !errors.Is(err, photo.ErrTooLarge) || !strings.HasPrefix(err.Error(), "image too large to redact: 8200x8200") {
		t.Errorf("67 MP: err = %v", err)
	}
	if err := CheckSize(9248, 6936); err != nil { // a 64-megapixel phone sensor
		t.Errorf("64 MP phone photo refused: %v", err)
	}
	// A huge image is refused before any painting (the check reads only bounds).
	huge := &image.Uniform{C: color.Black}
	if _, err := Apply(boundsOnly{huge, image.Rect(0, 0, 10000, 10000)}, []Region{{Rect: image.Rect(0, 0, 10, 10)}}); !errors.Is(err, photo.ErrTooLarge) {
		t.Errorf("Apply on 100 MP: err = %v", err)
	}
}

// boundsOnly is an image of any size that costs no memory.
type boundsOnly struct {
	image.Image
	r image.Rectangle
}

func (b boundsOnly) Bounds() image.Rectangle { return b.r }
