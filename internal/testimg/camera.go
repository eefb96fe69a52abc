package testimg

import (
	"bytes"
	"image"
	"sync"
	"testing"
)

var (
	cameraOnce sync.Once
	cameraJPEG []byte
)

// CameraJPEG is a 4000x3000 camera-like JPEG (quality 90) with EXIF
// (PersonalEXIF, orientation 6), an 8 kB XMP packet and a 512 kB trailer,
// built once per process: the input of the 12-megapixel benchmarks.
func CameraJPEG(t testing.TB) []byte {
	cameraOnce.Do(func() {
		img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
		for i := range img.Y {
			img.Y[i] = uint8(i * 7 >> 3)
		}
		for i := range img.Cb {
			img.Cb[i], img.Cr[i] = uint8(i>>5), uint8(i>>7)
		}
		j := InsertAfterSOI(EncodeJPEG(t, img, 90), ExifAPP1(PersonalEXIF(6)), XMPAPP1(string(bytes.Repeat([]byte("<x/>"), 2000))))
		cameraJPEG = append(j, bytes.Repeat([]byte("trailer!"), 1<<16)...)
	})
	return cameraJPEG
}
