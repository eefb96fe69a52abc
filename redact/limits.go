package redact

import (
	"fmt"
	"image"

	"codeberg.org/veil/veil/photo"
)

// MaxPixels is the largest image Veil redacts: a 64-megapixel phone sensor.
// Redaction holds the decoded photo, a painted copy and encoder buffers at
// full size (4 bytes a pixel each), so it has a lower bound than decoding for
// inspection or hashing; above it, a hostile "decompression bomb" would cost
// more memory than Veil allows itself.
const MaxPixels = 66_000_000

// CheckSize reports whether an image of w×h pixels can be redacted: above
// MaxPixels the error wraps photo.ErrTooLarge, the one "too large" of every
// engine. Callers check the header's size before decoding; Redact checks
// again.
func CheckSize(w, h int) error {
	if int64(w)*int64(h) > MaxPixels {
		return fmt.Errorf("%w to redact: %dx%d is %.0f megapixels, the limit is %d", photo.ErrTooLarge, w, h, float64(w)*float64(h)/1e6, MaxPixels/1_000_000)
	}
	return nil
}

func checkImage(img image.Image) error {
	s := img.Bounds().Size()
	return CheckSize(s.X, s.Y)
}
