package photo

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// FuzzOrientation: the orientation reader walks JPEG segments, PNG and WebP
// chunks and TIFF directories of untrusted files; it must never panic or
// hang, and always answer 1..8.
func FuzzOrientation(f *testing.F) {
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil)
	j := buf.Bytes()
	tiff := []byte("II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00")
	app1 := append([]byte{0xFF, 0xE1, 0, byte(2 + 6 + len(tiff))}, "Exif\x00\x00"...)
	app1 = append(app1, tiff...)
	f.Add(append(append([]byte{0xFF, 0xD8}, app1...), j[2:]...))
	f.Add(tiff)
	f.Add([]byte("MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x08\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x1aeXIf"))
	f.Add([]byte("RIFF\x20\x00\x00\x00WEBPEXIF\x1a\x00\x00\x00"))
	f.Add(j)
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := Orientation(b); o < 1 || o > 8 {
			t.Fatalf("Orientation = %d", o)
		}
	})
}
