package photo

import (
	"bytes"
	"image"
	"image/jpeg"
)

// decodeJPEG decodes a baseline or progressive JPEG.
// TODO(hash issue): libjpeg-turbo, bit-exact with the PDQ reference.
func decodeJPEG(b []byte) (image.Image, error) {
	return jpeg.Decode(bytes.NewReader(b))
}

func jpegConfig(b []byte) (image.Config, error) {
	return jpeg.DecodeConfig(bytes.NewReader(b))
}
