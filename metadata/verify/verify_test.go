package verify

import (
	"errors"
	"testing"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/internal/jpegseg"
	"codeberg.org/veil/veil/internal/testimg"
	"codeberg.org/veil/veil/metadata"
)

func TestVerifyRejects(t *testing.T) {
	j := testimg.JPEG(t, 8, 8)
	p := testimg.PNG(t, 4, 4)
	g := testimg.GIF(t, 4, 4)
	orient := func(o uint16) []byte {
		return testimg.EXIF([]testimg.Entry{testimg.Short(ifd.Orientation, o)}, nil, nil)
	}
	withSlack := append(testimg.OrientationEXIF(6), testimg.Leaky...)
	gpsOnly := testimg.EXIF([]testimg.Entry{testimg.Long(ifd.GPSIFD, 8)}, nil, nil)
	tests := []struct {
		name string
		in   []byte
		mode metadata.Mode
	}{
		{"jpeg comment", testimg.InsertAfterSOI(j, testimg.Seg(0xFE, []byte("hi"))), metadata.All},
		{"jpeg xmp", testimg.InsertAfterSOI(j, testimg.Seg(0xE1, jpegseg.XMP, []byte("<x/>"))), metadata.All},
		{"jpeg trailer", append(append([]byte{}, j...), 0), metadata.All},
		{"jpeg exif with a name", testimg.InsertAfterSOI(j, testimg.ExifAPP1(testimg.PersonalEXIF(6))), metadata.All},
		{"jpeg exif name in location mode", testimg.InsertAfterSOI(j, testimg.ExifAPP1(testimg.EXIF([]testimg.Entry{testimg.ASCII(0x013B, testimg.Leaky)}, nil, nil))), metadata.LocationOnly},
		{"jpeg exif gps in location mode", testimg.InsertAfterSOI(j, testimg.ExifAPP1(gpsOnly)), metadata.LocationOnly},
		{"jpeg exif with slack bytes", testimg.InsertAfterSOI(j, testimg.ExifAPP1(withSlack)), metadata.All},
		{"jpeg exif slack in location mode", testimg.InsertAfterSOI(j, testimg.ExifAPP1(withSlack)), metadata.LocationOnly},
		{"jpeg exif with IFD1", testimg.InsertAfterSOI(j, testimg.ExifAPP1(func() []byte { b := orient(6); b[len(b)-1] = 8; return b }())), metadata.LocationOnly},
		{"jpeg two exif", testimg.InsertAfterSOI(j, testimg.ExifAPP1(testimg.OrientationEXIF(6)), testimg.ExifAPP1(testimg.OrientationEXIF(6))), metadata.All},
		{"jpeg testimg.JFIF thumbnail", testimg.InsertAfterSOI(j, testimg.Seg(0xE0, append(append([]byte{}, testimg.JFIF[:12]...), 1, 1, 1, 2, 3))), metadata.All},
		{"jpeg personal icc", testimg.InsertAfterSOI(j, testimg.Seg(0xE2, []byte("ICC_PROFILE\x00\x01\x01"), testimg.ICC("Color LCD", "Copyright Apple Inc., 2009"))), metadata.All},
		{"jpeg truncated", j[:len(j)-2], metadata.All},
		{"png text", testimg.InsertPNG(p, false, testimg.Chunk("tEXt", []byte("a\x00b"))), metadata.All},
		{"png time", testimg.InsertPNG(p, true, testimg.Chunk("tIME", make([]byte, 7))), metadata.All},
		{"png trailer", append(append([]byte{}, p...), 1), metadata.All},
		{"png named iccp", testimg.InsertPNG(p, true, testimg.ICCPChunk("Jane", testimg.ICC("sRGB", ""))), metadata.All},
		{"png exif", testimg.InsertPNG(p, true, testimg.Chunk("eXIf", testimg.PersonalEXIF(0))), metadata.All},
		{"webp xmp", testimg.WebP(testimg.RIFF("VP8X", testimg.VP8X(testimg.VP8XXMP, 3, 2)), testimg.RIFF("VP8L", testimg.VP8L3x2), testimg.RIFF("XMP ", []byte("<x/>"))), metadata.All},
		{"webp exif flag without chunk", testimg.WebP(testimg.RIFF("VP8X", testimg.VP8X(testimg.VP8XEXIF, 3, 2)), testimg.RIFF("VP8L", testimg.VP8L3x2)), metadata.All},
		{"webp trailer", append(testimg.WebP(testimg.RIFF("VP8L", testimg.VP8L3x2)), 0, 0), metadata.All},
		{"gif comment", testimg.InsertGIF(g, testimg.GIFExt(0xFE, []byte("hi"))), metadata.All},
		{"gif xmp", testimg.InsertGIF(g, testimg.GIFExt(0xFF, []byte("XMP DataXMP"), []byte("<x/>"))), metadata.All},
		{"gif trailer", append(append([]byte{}, g...), 0), metadata.All},
		{"tiff", testimg.TIFFImage(nil, nil), metadata.All},
		{"empty", nil, metadata.All},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := File(tt.in, metadata.Options{Mode: tt.mode}); !errors.Is(err, metadata.ErrNotClean) {
				t.Errorf("Verify = %v, want ErrNotClean", err)
			}
		})
	}
}

func TestVerifyAccepts(t *testing.T) {
	j := testimg.JPEG(t, 8, 8)
	for name, b := range map[string][]byte{
		"bare jpeg":        j,
		"jpeg orientation": testimg.InsertAfterSOI(j, testimg.Seg(0xE0, testimg.JFIF), testimg.ExifAPP1(testimg.OrientationEXIF(6))),
		"jpeg standard icc": testimg.InsertAfterSOI(j, testimg.Seg(0xE2, []byte("ICC_PROFILE\x00\x01\x01"),
			testimg.ICC("Adobe RGB (1998)", "Copyright 1999 Adobe Systems Incorporated"))),
		"png":  testimg.PNG(t, 3, 3),
		"webp": testimg.WebP(testimg.RIFF("VP8L", testimg.VP8L3x2)),
		"gif":  testimg.GIF(t, 3, 3),
	} {
		if err := File(b, metadata.Options{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestStockICC: the verifier's own judgement of colour profiles agrees with
// the shared cases (the cleaner's is tested against the same ones).
func TestStockICC(t *testing.T) {
	for _, tt := range testimg.ICCCases() {
		if got, _ := stockICC(tt.ICC); got != tt.Stock {
			t.Errorf("%s: stockICC = %v, want %v", tt.Name, got, tt.Stock)
		}
	}
}
