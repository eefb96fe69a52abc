package metadata

import (
	"encoding/binary"
	"errors"
	"testing"

	"codeberg.org/veil/veil/internal/ifd"
)

func TestVerifyRejects(t *testing.T) {
	j := encodeJPEG(t, 8, 8)
	p := encodePNG(t, 4, 4)
	g := encodeGIF(t, 4, 4)
	orient := func(o uint16) []byte { return tiffBytes([]ifdEntry{shortEntry(ifd.Orientation, o)}, nil, nil) }
	withSlack := append(orientationEXIF(6), leaky...)
	gpsOnly := writeTIFF(binary.BigEndian, []exifTag{{ifd.GPSIFD, 4, 1, []byte{0, 0, 0, 8}}}, nil)
	tests := []struct {
		name string
		in   []byte
		mode Mode
	}{
		{"jpeg comment", insertAfterSOI(j, seg(0xFE, []byte("hi"))), All},
		{"jpeg xmp", insertAfterSOI(j, seg(0xE1, idXMP, []byte("<x/>"))), All},
		{"jpeg trailer", append(append([]byte{}, j...), 0), All},
		{"jpeg exif with a name", insertAfterSOI(j, exifAPP1(personalEXIF(6))), All},
		{"jpeg exif name in location mode", insertAfterSOI(j, exifAPP1(tiffBytes([]ifdEntry{asciiEntry(0x013B, leaky)}, nil, nil))), LocationOnly},
		{"jpeg exif gps in location mode", insertAfterSOI(j, exifAPP1(gpsOnly)), LocationOnly},
		{"jpeg exif with slack bytes", insertAfterSOI(j, exifAPP1(withSlack)), All},
		{"jpeg exif slack in location mode", insertAfterSOI(j, exifAPP1(withSlack)), LocationOnly},
		{"jpeg exif with IFD1", insertAfterSOI(j, exifAPP1(func() []byte { b := orient(6); b[len(b)-1] = 8; return b }())), LocationOnly},
		{"jpeg two exif", insertAfterSOI(j, exifAPP1(orientationEXIF(6)), exifAPP1(orientationEXIF(6))), All},
		{"jpeg jfif thumbnail", insertAfterSOI(j, seg(0xE0, append(append([]byte{}, jfif[:12]...), 1, 1, 1, 2, 3))), All},
		{"jpeg personal icc", insertAfterSOI(j, seg(0xE2, []byte("ICC_PROFILE\x00\x01\x01"), iccProfile("Color LCD", "Copyright Apple Inc., 2009"))), All},
		{"jpeg truncated", j[:len(j)-2], All},
		{"png text", insertPNG(p, false, pngChunkBytes("tEXt", []byte("a\x00b"))), All},
		{"png time", insertPNG(p, true, pngChunkBytes("tIME", make([]byte, 7))), All},
		{"png trailer", append(append([]byte{}, p...), 1), All},
		{"png named iccp", insertPNG(p, true, pngICCChunk("Jane", iccProfile("sRGB", ""))), All},
		{"png exif", insertPNG(p, true, pngChunkBytes("eXIf", personalEXIF(0))), All},
		{"webp xmp", webpFile(riff("VP8X", vp8x(vp8xXMP, 3, 2)), riff("VP8L", vp8lPixels), riff("XMP ", []byte("<x/>"))), All},
		{"webp exif flag without chunk", webpFile(riff("VP8X", vp8x(vp8xEXIF, 3, 2)), riff("VP8L", vp8lPixels)), All},
		{"webp trailer", append(webpFile(riff("VP8L", vp8lPixels)), 0, 0), All},
		{"gif comment", insertGIF(g, gifExt(0xFE, []byte("hi"))), All},
		{"gif xmp", insertGIF(g, gifExt(0xFF, []byte("XMP DataXMP"), []byte("<x/>"))), All},
		{"gif trailer", append(append([]byte{}, g...), 0), All},
		{"tiff", tiffImage(nil, nil), All},
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
	j := encodeJPEG(t, 8, 8)
	for name, b := range map[string][]byte{
		"bare jpeg":        j,
		"jpeg orientation": insertAfterSOI(j, seg(0xE0, jfif), exifAPP1(orientationEXIF(6))),
		"jpeg standard icc": insertAfterSOI(j, seg(0xE2, []byte("ICC_PROFILE\x00\x01\x01"),
			iccProfile("Adobe RGB (1998)", "Copyright 1999 Adobe Systems Incorporated"))),
		"png":  encodePNG(t, 3, 3),
		"webp": webpFile(riff("VP8L", vp8lPixels)),
		"gif":  encodeGIF(t, 3, 3),
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
		{"sRGB", iccProfile("sRGB IEC61966-2.1", "Copyright (c) 1998 Hewlett-Packard Company"), true},
		{"Display P3", iccProfile("Display P3", "Copyright Apple Inc., 2017"), true},
		{"Android sRGB", iccProfile("sRGB", "Google Inc. 2016"), true},
		{"calibrated display", iccProfile("Color LCD", "Copyright Apple Inc., 2009"), false},
		{"named owner", iccProfile("Jane Roe's monitor", "Copyright Jane Roe"), false},
		{"standard name, personal copyright", iccProfile("sRGB", "Copyright Jane Roe"), false},
		{"calibration curves", iccProfile("sRGB", "Copyright Google Inc., 2016", "vcgt"), false},
		{"device make and model", iccProfile("Display P3", "Copyright Apple Inc., 2017", "mmod"), false},
		{"truncated", iccProfile("sRGB", "")[:140], false},
		{"garbage", []byte("not a profile at all, not even close to one, but long enough to pass the size check at the start of the parser; more bytes"), false},
	}
	for _, tt := range tests {
		if got, _ := StandardICC(tt.p); got != tt.want {
			t.Errorf("%s: StandardICC = %v, want %v", tt.name, got, tt.want)
		}
	}
}
