package verify

import (
	"os"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/internal/testimg"
	"codeberg.org/veil/veil/metadata"
)

// FuzzVerify: the verifier walks any bytes, in both modes, without a panic
// (verify is File without its recover, so a panic shows) and in bounded
// time. Seeds are the shapes a clean output has, and the shared corpus.
func FuzzVerify(f *testing.F) {
	j := testimg.JPEG(f, 8, 8)
	f.Add(j)
	f.Add(testimg.InsertAfterSOI(j, testimg.Seg(0xE0, testimg.JFIF), testimg.ExifAPP1(testimg.OrientationEXIF(6)),
		testimg.Seg(0xE2, []byte("ICC_PROFILE\x00\x01\x01"), testimg.ICC("sRGB", "Copyright Google Inc., 2016"))))
	f.Add(testimg.InsertPNG(testimg.PNG(f, 3, 2), true, testimg.Chunk("eXIf", testimg.PersonalEXIF(6)), testimg.ICCPChunk(iccpName, testimg.ICC("sRGB", ""))))
	f.Add(testimg.WebP(testimg.RIFF("VP8X", testimg.VP8X(testimg.VP8XEXIF, 3, 2)), testimg.RIFF("VP8L", testimg.VP8L3x2), testimg.RIFF("EXIF", testimg.OrientationEXIF(3))))
	f.Add(testimg.GIF(f, 3, 3))
	f.Add(testimg.HEIFWithImage())
	for _, p := range testenv.FilesIfPresent("fixtures/metadata") {
		if b, err := os.ReadFile(p); err == nil && len(b) <= 256<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range []metadata.Mode{metadata.All, metadata.LocationOnly} {
			verify(b, metadata.Options{Mode: m})
		}
	})
}
