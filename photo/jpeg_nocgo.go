//go:build !cgo

package photo

import "image"

// Without cgo there is no libjpeg-turbo: every JPEG gets errNoJPEG, one
// clear line. A pure-Go build of the same decoder is meant to replace this.

func jpegConfig([]byte) (image.Config, error) { return image.Config{}, errNoJPEG }

func decodeJPEG([]byte) (image.Image, error) { return nil, errNoJPEG }

func decodeJPEGScaled([]byte, int, bool) (image.Image, error) { return nil, errNoJPEG }

func decodeJPEGGather([]byte, []gatherMap) ([]image.Image, bool, error) {
	return nil, false, errNoJPEG
}
