package metadata

import (
	"encoding/binary"
	"errors"
	"testing"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/internal/jpegseg"
	"codeberg.org/veil/veil/internal/testimg"
)

func TestVerifyRejects(t *testing.T) {
	j := testimg.JPEG(t, 8, 8)
	p := testimg.PNG(t, 4, 4)
	g := testimg.GIF(t, 4, 4)
	orient := func(o uint16) []byte {
		return testimg.EXIF([]testimg.Entry{testimg.Short(ifd.Orientation, o)}, nil, nil)
	}
	withSlack := append(orientationEXIF(6), testimg.Leaky...)
	gpsOnly := writeTIFF(binary.BigEndian, []exifTag{{ifd.GPSIFD, 4, 1, []byte{0, 0, 0, 8}}}, nil)
	tests := []struct {
		name string
		in   []byte
		mode Mode
	}{
		{"jpeg comment", testimg.InsertAfterSOI(j, testimg.Seg(0xFE, []byte("hi"))), All},
		{"jpeg xmp", testimg.InsertAfterSOI(j, testimg.Seg(0xE1, jpegseg.XMP, []byte("<x/>"))), All},
		{"jpeg trailer", append(append([]byte{}, j...), 0), All},
		{"jpeg exif with a name", testimg.InsertAfterSOI(j, testimg.ExifAPP1(personalEXIF(6))), All},
		{"jpeg exif name in location mode", testimg.InsertAfterSOI(j, testimg.ExifAPP1(testimg.EXIF([]testimg.Entry{testimg.ASCII(0x013B, testimg.Leaky)}, nil, nil))), LocationOnly},
		{"jpeg exif gps in location mode", testimg.InsertAfterSOI(j, testimg.ExifAPP1(gpsOnly)), LocationOnly},
		{"jpeg exif with slack bytes", testimg.InsertAfterSOI(j, testimg.ExifAPP1(withSlack)), All},
		{"jpeg exif slack in location mode", testimg.InsertAfterSOI(j, testimg.ExifAPP1(withSlack)), LocationOnly},
		{"jpeg exif with IFD1", testimg.InsertAfterSOI(j, testimg.ExifAPP1(func() []byte { b := orient(6); b[len(b)-1] = 8; return b }())), LocationOnly},
		{"jpeg two exif", testimg.InsertAfterSOI(j, testimg.ExifAPP1(orientationEXIF(6)), testimg.ExifAPP1(orientationEXIF(6))), All},
		{"jpeg jfif thumbnail", testimg.InsertAfterSOI(j, testimg.Seg(0xE0, append(append([]byte{}, jfif[:12]...), 1, 1, 1, 2, 3))), All},
		{"jpeg personal icc", testimg.InsertAfterSOI(j, testimg.Seg(0xE2, []byte("ICC_PROFILE\x00\x01\x01"), testimg.ICC("Color LCD", "Copyright Apple Inc., 2009"))), All},
		{"jpeg truncated", j[:len(j)-2], All},
		{"png text", testimg.InsertPNG(p, false, testimg.Chunk("tEXt", []byte("a\x00b"))), All},
		{"png time", testimg.InsertPNG(p, true, testimg.Chunk("tIME", make([]byte, 7))), All},
		{"png trailer", append(append([]byte{}, p...), 1), All},
		{"png named iccp", testimg.InsertPNG(p, true, testimg.ICCPChunk("Jane", testimg.ICC("sRGB", ""))), All},
		{"png exif", testimg.InsertPNG(p, true, testimg.Chunk("eXIf", personalEXIF(0))), All},
		{"webp xmp", testimg.WebP(testimg.RIFF("VP8X", testimg.VP8X(testimg.VP8XXMP, 3, 2)), testimg.RIFF("VP8L", testimg.VP8L3x2), testimg.RIFF("XMP ", []byte("<x/>"))), All},
		{"webp exif flag without chunk", testimg.WebP(testimg.RIFF("VP8X", testimg.VP8X(testimg.VP8XEXIF, 3, 2)), testimg.RIFF("VP8L", testimg.VP8L3x2)), All},
		{"webp trailer", append(testimg.WebP(testimg.RIFF("VP8L", testimg.VP8L3x2)), 0, 0), All},
		{"gif comment", testimg.InsertGIF(g, testimg.GIFExt(0xFE, []byte("hi"))), All},
		{"gif xmp", testimg.InsertGIF(g, testimg.GIFExt(0xFF, []byte("XMP DataXMP"), []byte("<x/>"))), All},
		{"gif trailer", append(append([]byte{}, g...), 0), All},
		{"tiff", testimg.TIFFImage(nil, nil), All},
		{"empty", nil, All},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Verify(tt.in, Options{Mode: tt.mode}); !errors.Is(err, ErrNotClean) {
				t.Errorf("Verify = %v, want ErrNotClean", err)
			}
		})
	}
}

func TestVerifyAccepts(t *testing.T) {
	j := testimg.JPEG(t, 8, 8)
	for name, b := range map[string][]byte{
		"bare jpeg":        j,
		"jpeg orientation": testimg.InsertAfterSOI(j, testimg.Seg(0xE0, jfif), testimg.ExifAPP1(orientationEXIF(6))),
		"jpeg standard icc": testimg.InsertAfterSOI(j, testimg.Seg(0xE2, []byte("ICC_PROFILE\x00\x01\x01"),
			testimg.ICC("Adobe RGB (1998)", "Copyright 1999 Adobe Systems Incorporated"))),
		"png":  testimg.PNG(t, 3, 3),
		"webp": testimg.WebP(testimg.RIFF("VP8L", testimg.VP8L3x2)),
		"gif":  testimg.GIF(t, 3, 3),
	} {
		if err := Verify(b, Options{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The verifier's location-only allow-list is its own table; it must allow
// everything the cleaner keeps, or Clean would fail on ordinary photos.
func TestVerifyAllowsWhatLocationOnlyKeeps(t *testing.T) {
	for tag := range keepIFD0 {
		if !verifyIFD0Tags[tag] {
			t.Errorf("IFD0 tag 0x%04X kept by the cleaner, refused by Verify", tag)
		}
	}
	for tag := range keepExifIFD {
		if !verifyExifTags[tag] {
			t.Errorf("Exif tag 0x%04X kept by the cleaner, refused by Verify", tag)
		}
	}
}

func TestStandardICC(t *testing.T) {
	tests := []struct {
		name string
		p    []byte
		want bool
	}{
		{"sRGB", testimg.ICC("sRGB IEC61966-2.1", "Copyright (c) 1998 Hewlett-Packard Company"), true},
		{"Display P3", testimg.ICC("Display P3", "Copyright Apple Inc., 2017"), true},
		{"Android sRGB", testimg.ICC("sRGB", "Google Inc. 2016"), true},
		{"calibrated display", testimg.ICC("Color LCD", "Copyright Apple Inc., 2009"), false},
		{"named owner", testimg.ICC("Jane Roe's monitor", "Copyright Jane Roe"), false},
		{"standard name, personal copyright", testimg.ICC("sRGB", "Copyright Jane Roe"), false},
		{"calibration curves", testimg.ICC("sRGB", "Copyright Google Inc., 2016", "vcgt"), false},
		{"device make and model", testimg.ICC("Display P3", "Copyright Apple Inc., 2017", "mmod"), false},
		{"truncated", testimg.ICC("sRGB", "")[:140], false},
		{"garbage", []byte("not a profile at all, not even close to one, but long enough to pass the size check at the start of the parser; more bytes"), false},
	}
	for _, tt := range tests {
		if got, _ := StandardICC(tt.p); got != tt.want {
			t.Errorf("%s: StandardICC = %v, want %v", tt.name, got, tt.want)
		}
	}
}
