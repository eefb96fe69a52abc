package clean

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/internal/jpegseg"
	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/internal/testimg"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"

	"codeberg.org/veil/veil/photo"
)

// maxFuzzSeed keeps corpus seeds small enough for many executions per second.
const maxFuzzSeed = 256 << 10

// corpusSeeds adds the shared corpus files of format want as seeds, when the
// corpus is present.
func corpusSeeds(f *testing.F, want photo.Format) {
	for _, p := range testenv.FilesIfPresent("fixtures/metadata") {
		b, err := os.ReadFile(p)
		if err == nil && len(b) <= maxFuzzSeed && photo.Sniff(b) == want {
			f.Add(b)
		}
	}
}

// fuzzClean checks the invariants of File on any input: no panic; the
// cleaner never produces what its verifier rejects; every output verifies;
// and a lossless output of a decodable input shows the same pixels.
func fuzzClean(f *testing.F, want photo.Format, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	corpusSeeds(f, want)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range []metadata.Mode{metadata.All, metadata.LocationOnly} {
			res, err := File(b, metadata.Options{Mode: m})
			if errors.Is(err, metadata.ErrNotClean) {
				t.Fatalf("mode %d: the cleaner wrote what its verifier rejects: %v", m, err)
			}
			if err != nil {
				continue
			}
			if err := verify.File(res.Data, metadata.Options{Mode: m}); err != nil {
				t.Fatalf("mode %d: verify.File(output): %v", m, err)
			}
			if m == metadata.LocationOnly || !res.Lossless {
				continue
			}
			// Decoding a mutated header's 100-megapixel claim would take
			// the fuzzer's whole budget: compare pixels of small images.
			if cfg, _, err := photo.Config(b); err != nil || cfg.Width*cfg.Height > 1<<20 {
				continue
			}
			in := displayed(t, b)
			if in == nil {
				continue
			}
			out := displayed(t, res.Data)
			if out == nil || out.Rect != in.Rect || !bytes.Equal(out.Pix, in.Pix) {
				t.Fatalf("lossless output shows different pixels")
			}
		}
	})
}

func FuzzJPEG(f *testing.F) {
	j := testimg.JPEG(f, 16, 8)
	fuzzClean(f, photo.JPEG, j,
		testimg.InsertAfterSOI(j, testimg.Seg(0xE0, testimg.JFIF), testimg.ExifAPP1(testimg.PersonalEXIF(6)), testimg.Seg(0xE1, jpegseg.XMP, []byte("<x/>")), testimg.Seg(0xFE, []byte("c"))),
		testimg.InsertAfterSOI(j, testimg.Seg(0xE2, []byte("ICC_PROFILE\x00\x01\x01"), testimg.ICC("sRGB", "Copyright Google Inc., 2016"))),
		append(testimg.InsertBeforeEOI(j, testimg.Seg(0xE3, []byte("x"))), "trailer"...))
}

func FuzzPNG(f *testing.F) {
	p := testimg.PNG(f, 4, 3)
	fuzzClean(f, photo.PNG, p,
		testimg.InsertPNG(p, true, testimg.Chunk("eXIf", testimg.PersonalEXIF(6)), testimg.Chunk("tEXt", []byte("a\x00b"))),
		testimg.InsertPNG(p, false, testimg.ICCPChunk("x", testimg.ICC("sRGB", ""))))
}

func FuzzWebP(f *testing.F) {
	fuzzClean(f, photo.WebP,
		testimg.WebP(testimg.RIFF("VP8L", testimg.VP8L3x2)),
		testimg.WebP(testimg.RIFF("VP8X", testimg.VP8X(testimg.VP8XEXIF|testimg.VP8XXMP, 3, 2)), testimg.RIFF("VP8 ", testimg.VP8_3x2), testimg.RIFF("EXIF", testimg.PersonalEXIF(6)), testimg.RIFF("XMP ", []byte("<x/>"))),
		testimg.WebP(testimg.RIFF("VP8X", testimg.VP8X(testimg.VP8XAnim, 3, 2)), testimg.RIFF("ANIM", make([]byte, 6)), testimg.RIFF("ANMF", append(make([]byte, 16), testimg.RIFF("VP8L", testimg.VP8L3x2)...))))
}

func FuzzGIF(f *testing.F) {
	g := testimg.GIF(f, 4, 4)
	fuzzClean(f, photo.GIF, g, testimg.InsertGIF(g, testimg.GIFExt(0xFE, []byte("c")), testimg.GIFExt(0xFF, []byte("XMP DataXMP"), []byte("<x/>"))))
}

func FuzzTIFF(f *testing.F) {
	fuzzClean(f, photo.TIFF, testimg.TIFFImage([]testimg.Entry{testimg.ASCII(0x013B, "a"), testimg.Short(ifd.Orientation, 6)}, []testimg.Entry{testimg.ASCII(1, "N")}))
}

func FuzzHEIF(f *testing.F) {
	fuzzClean(f, photo.HEIF, testimg.HEIFSkeleton(), testimg.HEIFWithImage(), []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x08mdat"))
}

// FuzzHEIFRewrite checks the lossless HEIF rebuild against its verifier
// directly (File would quietly fall back to re-encoding), in both modes:
// whatever the rebuild produces must verify, and the verifier must not panic.
func FuzzHEIFRewrite(f *testing.F) {
	f.Add(testimg.HEIFWithImage())
	f.Add(testimg.HEIFWithEXIF(testimg.PersonalEXIF(6)))
	f.Add(testimg.HEIFSkeleton())
	corpusSeeds(f, photo.HEIF)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range []metadata.Mode{metadata.All, metadata.LocationOnly} {
			opt := metadata.Options{Mode: m}
			verify.File(b, opt)
			res, err := rewriteHEIF(b, opt)
			if err != nil {
				continue
			}
			if err := verify.File(res.Data, opt); err != nil {
				t.Fatalf("mode %d: the rebuild wrote what the verifier rejects: %v", m, err)
			}
		}
	})
}
