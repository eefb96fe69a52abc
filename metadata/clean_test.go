package metadata

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/ifd"

	"codeberg.org/veil/veil/photo"
)

// leaky is the marker every planted value in these tests carries.
const leaky = "Jane Roe"

func exifAPP1(tiff []byte) []byte { return seg(0xE1, []byte("Exif\x00\x00"), tiff) }

// personalEXIF is an EXIF block with a name, a GPS IFD and, when o > 0, an
// orientation.
func personalEXIF(o uint16) []byte {
	ifd0 := []ifdEntry{asciiEntry(0x010F, "Cam"), asciiEntry(0x013B, leaky)}
	if o > 0 {
		ifd0 = append(ifd0, shortEntry(ifd.Orientation, o))
	}
	return tiffBytes(ifd0, []ifdEntry{asciiEntry(0x9003, "2025:07:01 12:34:56"), asciiEntry(0xA430, leaky), asciiEntry(0x9010, "+01:00")},
		[]ifdEntry{asciiEntry(1, "N"), asciiEntry(0x1B, leaky)})
}

// checkClean runs Clean in mode m and checks what every output must satisfy:
// it verifies, holds no planted marker, keeps the displayed pixels, and
// reports each wanted phrase in Removed.
func checkClean(t *testing.T, in []byte, m Mode, wantRemoved ...string) *Result {
	t.Helper()
	orig := append([]byte{}, in...)
	res, err := Clean(in, Options{Mode: m})
	if err != nil {
		t.Fatalf("Clean: %v", err)
	}
	if !bytes.Equal(in, orig) {
		t.Fatal("Clean modified its input")
	}
	if err := Verify(res.Data, Options{Mode: m}); err != nil {
		t.Fatalf("Verify(output): %v", err)
	}
	if m == All && bytes.Contains(res.Data, []byte(leaky)) {
		t.Errorf("%q survived cleaning", leaky)
	}
	if m == All && bytes.Contains(res.Data, []byte("JaneRoe")) {
		t.Errorf("JaneRoe survived cleaning")
	}
	removed := strings.Join(res.Removed, "; ")
	if strings.Contains(removed, leaky) || strings.Contains(removed, "JaneRoe") {
		t.Errorf("Removed repeats the removed data: %q", removed)
	}
	for _, w := range wantRemoved {
		if !strings.Contains(removed, w) {
			t.Errorf("Removed = %q, want it to mention %q", removed, w)
		}
	}
	if want := displayed(t, in); want != nil && res.Lossless {
		got := displayed(t, res.Data)
		if got == nil || !bytes.Equal(got.Pix, want.Pix) || got.Rect != want.Rect {
			t.Errorf("displayed pixels changed")
		}
	}
	return res
}

func TestCleanJPEG(t *testing.T) {
	base := encodeJPEG(t, 24, 16)
	stdICC := iccProfile("sRGB IEC61966-2.1", "Copyright (c) 1998 Hewlett-Packard Company")
	personalICC := iccProfile("Calibrated display of "+leaky, "Copyright "+leaky)
	iccSeg := func(p []byte) []byte { return seg(0xE2, []byte("ICC_PROFILE\x00\x01\x01"), p) }
	jfifThumb := append(append([]byte{}, jfif[:12]...), 1, 1, 'J', 'R', 'x')
	tests := []struct {
		name    string
		in      []byte
		removed []string
		orient  int
		keep    []string // byte strings that must remain
	}{
		{"exif gps and name", insertAfterSOI(base, exifAPP1(personalEXIF(0))), []string{"EXIF block", "EXIF GPS position"}, 1, nil},
		{"orientation kept minimal", insertAfterSOI(base, exifAPP1(personalEXIF(6))), []string{"EXIF GPS position"}, 6, nil},
		{"xmp", insertAfterSOI(base, seg(0xE1, idXMP, []byte("<x:xmpmeta>"+leaky+"</x:xmpmeta>"))), []string{"XMP packet"}, 1, nil},
		{"extended xmp", insertAfterSOI(base, seg(0xE1, idXMPExt, []byte("0123456789ABCDEF0123456789ABCDEF"+leaky))), []string{"extended XMP"}, 1, nil},
		{"iptc", insertAfterSOI(base, seg(0xED, idPS, []byte("8BIM\x04\x04\x00\x00\x00\x00\x00\x0c\x1c\x02\x50\x00\x08"+leaky))), []string{"IPTC"}, 1, nil},
		{"comment", insertAfterSOI(base, seg(0xFE, []byte(leaky))), []string{"comment"}, 1, nil},
		{"jfxx thumbnail", insertAfterSOI(base, seg(0xE0, jfif), seg(0xE0, []byte("JFXX\x00\x10"+leaky))), []string{"JFXX thumbnail"}, 1, []string{"JFIF\x00"}},
		{"jfif thumbnail", insertAfterSOI(base, seg(0xE0, jfifThumb, []byte(leaky))), []string{"JFIF thumbnail"}, 1, []string{"JFIF\x00"}},
		{"jumbf", insertAfterSOI(base, seg(0xEB, []byte("JP\x00\x01\x00\x00\x00\x01jumb"+leaky))), []string{"C2PA"}, 1, nil},
		{"vendor appn", insertAfterSOI(base, seg(0xE3, []byte("Meta\x00"+leaky)), seg(0xEF, []byte(leaky))), []string{"vendor segment APP3", "vendor segment APP15"}, 1, nil},
		{"second exif", insertAfterSOI(base, exifAPP1(tiffBytes([]ifdEntry{shortEntry(ifd.Orientation, 3)}, nil, nil)), exifAPP1(personalEXIF(0))), []string{"second EXIF block", "EXIF GPS position"}, 3, nil},
		{"appn after scan", insertBeforeEOI(base, seg(0xE1, idXMP, []byte(leaky))), []string{"XMP packet"}, 1, nil},
		{"trailer", append(append([]byte{}, base...), leaky...), []string{"8 bytes after end of image"}, 1, nil},
		{"motion photo", append(append([]byte{}, base...), append([]byte("\x00\x00\x00\x18ftypmp42"), leaky...)...), []string{"motion photo"}, 1, nil},
		{"personal icc", insertAfterSOI(base, iccSeg(personalICC)), []string{"not a standard one"}, 1, nil},
		{"standard icc kept", insertAfterSOI(base, iccSeg(stdICC)), nil, 1, []string{"sRGB IEC61966-2.1"}},
		{"adobe kept", insertAfterSOI(base, seg(0xEE, []byte("Adobe\x00\x64\x00\x00\x00\x00\x01"), []byte(leaky))), nil, 1, []string{"Adobe\x00\x64"}},
		{"stray bytes", insertAfterSOI(base, seg(0xE0, jfif), []byte(leaky)), []string{"stray bytes"}, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := checkClean(t, tt.in, All, tt.removed...)
			if !res.Lossless || res.Format != photo.JPEG {
				t.Errorf("Lossless=%v Format=%v", res.Lossless, res.Format)
			}
			if o := photo.Orientation(res.Data); o != tt.orient {
				t.Errorf("orientation %d, want %d", o, tt.orient)
			}
			if tt.orient == 1 && bytes.Contains(res.Data, []byte("Exif")) {
				t.Errorf("EXIF block kept for an upright image")
			}
			for _, k := range tt.keep {
				if !bytes.Contains(res.Data, []byte(k)) {
					t.Errorf("%q was not kept", k)
				}
			}
		})
	}
}

func TestCleanJPEGLocationOnly(t *testing.T) {
	in := insertAfterSOI(encodeJPEG(t, 16, 16), exifAPP1(personalEXIF(8)), seg(0xE1, idXMP, []byte("<x>51.5007 N</x>")))
	res := checkClean(t, in, LocationOnly, "EXIF GPS position", "XMP packet", "EXIF time zone", "EXIF camera owner name", "EXIF author")
	for _, keep := range []string{"Cam\x00", "2025:07:01 12:34:56"} {
		if !bytes.Contains(res.Data, []byte(keep)) {
			t.Errorf("location-only lost %q", keep)
		}
	}
	for _, gone := range []string{leaky, "+01:00", "51.5007"} {
		if bytes.Contains(res.Data, []byte(gone)) {
			t.Errorf("location-only kept %q", gone)
		}
	}
	if o := photo.Orientation(res.Data); o != 8 {
		t.Errorf("orientation %d, want 8", o)
	}
	// The All-mode verifier must refuse what location-only keeps.
	if err := Verify(res.Data, Options{}); !errors.Is(err, ErrNotClean) {
		t.Errorf("Verify(All) accepted camera fields: %v", err)
	}
}

func TestCleanPNG(t *testing.T) {
	base := encodePNG(t, 5, 4)
	std := iccProfile("Display P3", "Copyright Apple Inc., 2017")
	tests := []struct {
		name    string
		in      []byte
		removed []string
		orient  int
	}{
		{"text chunks", insertPNG(base, true, pngChunkBytes("tEXt", []byte("Author\x00"+leaky)), pngChunkBytes("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+leaky))), []string{"text chunk tEXt", "text chunk iTXt"}, 1},
		{"text after IDAT", insertPNG(base, false, pngChunkBytes("tEXt", []byte("parameters\x00"+leaky)), pngChunkBytes("tIME", []byte{7, 233, 7, 1, 12, 0, 0})), []string{"text chunk tEXt", "tIME"}, 1},
		{"exif with orientation", insertPNG(base, true, pngChunkBytes("eXIf", personalEXIF(6))), []string{"EXIF GPS position"}, 6},
		{"private chunk and trailer", append(insertPNG(base, true, pngChunkBytes("prVt", []byte(leaky))), leaky...), []string{"chunk prVt", "bytes after end of image"}, 1},
		{"personal iccp", insertPNG(base, true, pngICCChunk("JaneRoe display", iccProfile("Jane's display", "Copyright "+leaky))), []string{"not a standard one"}, 1},
		{"standard iccp renamed", insertPNG(base, true, pngICCChunk("JaneRoe profile", std)), nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := checkClean(t, tt.in, All, tt.removed...)
			if o := photo.Orientation(res.Data); o != tt.orient {
				t.Errorf("orientation %d, want %d", o, tt.orient)
			}
		})
	}
	res := checkClean(t, insertPNG(base, true, pngICCChunk("JaneRoe profile", std)), All)
	if !bytes.Contains(res.Data, []byte("iCCP"+pngICCName)) {
		t.Errorf("standard iCCP not kept under the neutral name")
	}
}

func TestCleanWebP(t *testing.T) {
	std := iccProfile("sRGB", "Copyright International Color Consortium, 2009")
	tests := []struct {
		name    string
		in      []byte
		removed []string
		orient  int
	}{
		{"exif xmp iccp", webpFile(riff("VP8X", vp8x(vp8xEXIF|vp8xXMP|vp8xICC, 3, 2)), riff("ICCP", iccProfile(leaky, leaky)), riff("VP8L", vp8lPixels),
			riff("EXIF", personalEXIF(0)), riff("XMP ", []byte(leaky))), []string{"EXIF block", "XMP packet", "not a standard one"}, 1},
		{"exif orientation", webpFile(riff("VP8X", vp8x(vp8xEXIF, 3, 2)), riff("VP8 ", vp8Pixels), riff("EXIF", append([]byte("Exif\x00\x00"), personalEXIF(3)...))), []string{"EXIF GPS position"}, 3},
		{"unknown chunk and trailer", append(webpFile(riff("VP8L", vp8lPixels), riff("JRoe", []byte(leaky))), leaky...), []string{"chunk JRoe", "bytes after end of image"}, 1},
		{"standard icc kept", webpFile(riff("VP8X", vp8x(vp8xICC, 3, 2)), riff("ICCP", std), riff("VP8L", vp8lPixels)), nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := checkClean(t, tt.in, All, tt.removed...)
			if o := photo.Orientation(res.Data); o != tt.orient {
				t.Errorf("orientation %d, want %d", o, tt.orient)
			}
			if _, _, err := photo.Decode(res.Data); err != nil {
				t.Errorf("output does not decode: %v", err)
			}
		})
	}
}

func TestCleanGIF(t *testing.T) {
	base := encodeGIF(t, 6, 4)
	in := insertGIF(base,
		gifExt(0xFE, []byte(leaky)),
		gifExt(0xFF, []byte("XMP DataXMP"), []byte("<x>"+leaky+"</x>")),
		gifExt(0x01, make([]byte, 12), []byte(leaky)),
		gifExt(0xFF, []byte("ICCRGBG1012"), iccProfile(leaky, leaky)),
		gifExt(0xFF, []byte("NETSCAPE2.0"), []byte{1, 0, 0}, []byte(leaky)), // extra sub-block hides data
	)
	in = append(in, leaky...)
	res := checkClean(t, in, All, "comment", "XMP packet", "plain text", "application ICCRGBG1012", "bytes after end of image")
	if !bytes.Contains(res.Data, []byte("NETSCAPE2.0\x03\x01\x00\x00\x00")) {
		t.Errorf("looping extension not kept canonically")
	}
}

func TestCleanTIFF(t *testing.T) {
	std := iccProfile("Adobe RGB (1998)", "Copyright 1999 Adobe Systems Incorporated")
	in := tiffImage([]ifdEntry{asciiEntry(0x010F, "Cam"), asciiEntry(0x013B, leaky), asciiEntry(0x011D, "JaneRoe page"),
		shortEntry(ifd.Orientation, 6), {ifd.ICCProfile, 7, uint32(len(std)), std}}, []ifdEntry{asciiEntry(1, "N")})
	for _, m := range []Mode{All, LocationOnly} {
		res := checkClean(t, in, m, "TIFF IFD0 Artist", "TIFF GPS IFD", "TIFF IFD0 PageName", "re-encoded as PNG")
		if res.Format != photo.PNG || !res.Lossless {
			t.Errorf("TIFF → %v lossless=%v, want PNG lossless", res.Format, res.Lossless)
		}
		img, _, err := photo.Decode(res.Data)
		if err != nil {
			t.Fatal(err)
		}
		// Orientation 6 was applied: 3x2 stored, 2x3 shown, and stored (0,1) is shown top-left.
		if b := img.Bounds(); b.Dx() != 2 || b.Dy() != 3 {
			t.Errorf("re-encoded size %v, want 2x3", b)
		}
		if r, g, bl, _ := img.At(0, 0).RGBA(); r>>8 != 10 || g>>8 != 20 || bl>>8 != 30 {
			t.Errorf("top-left pixel %d,%d,%d, want stored (0,1) = 10,20,30", r>>8, g>>8, bl>>8)
		}
		if o := photo.Orientation(res.Data); o != 1 {
			t.Errorf("re-encoded output carries orientation %d", o)
		}
		if !bytes.Contains(res.Data, []byte("iCCP"+pngICCName)) {
			t.Errorf("stock colour profile not carried over")
		}
		if kept := bytes.Contains(res.Data, []byte("Cam\x00")); kept != (m == LocationOnly) {
			t.Errorf("mode %d: camera make kept = %v", m, kept)
		}
	}
}

// A TIFF with premultiplied translucent pixels cannot go through PNG (straight
// alpha) unchanged, so the output must not claim to be lossless.
func TestCleanTIFFPremultiplied(t *testing.T) {
	pix := []byte{128, 0, 0, 128, 0, 0, 0, 0, 1, 1, 1, 3, 255, 255, 255, 255, 7, 9, 11, 13, 50, 0, 0, 200}
	res, err := Clean(tiffPixels(4, pix, nil, nil), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Lossless {
		t.Errorf("premultiplied translucent TIFF reported lossless")
	}
	res, err = Clean(tiffPixels(4, bytes.Repeat([]byte{9, 99, 199, 255}, 6), nil, nil), Options{})
	if err != nil || !res.Lossless {
		t.Errorf("opaque RGBA TIFF: lossless=%v err=%v, want lossless", res != nil && res.Lossless, err)
	}
}

func TestCleanBadInput(t *testing.T) {
	j := encodeJPEG(t, 8, 8)
	noSOS := insertAfterSOI([]byte{0xFF, 0xD8, 0xFF, 0xD9})
	hugePNG := encodePNG(t, 2, 2)
	hugePNG = append([]byte{}, hugePNG...)
	copy(hugePNG[16:24], []byte{0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0}) // 100000x100000
	for name, b := range map[string][]byte{
		"empty":            nil,
		"not an image":     []byte("hello, world"),
		"jpeg truncated":   j[:len(j)-40],
		"jpeg cut in head": j[:scanStart(t, j)-4],
		"jpeg no scan":     noSOS,
		"jpeg bad segment": append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x7F, 0xFF}, j[2:]...),
		"png truncated":    encodePNG(t, 4, 4)[:50],
		"png absurd size":  hugePNG,
		"gif truncated":    encodeGIF(t, 4, 4)[:40],
		"webp bad size":    append([]byte("RIFF\xff\xff\xff\x7fWEBP"), riff("VP8L", vp8lPixels)...),
		"tiff no pixels":   tiffBytes([]ifdEntry{asciiEntry(0x013B, leaky)}, nil, nil),
		"heif no image":    []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x08mdat"),
	} {
		t.Run(name, func(t *testing.T) {
			res, err := Clean(b, Options{})
			if err == nil {
				t.Fatalf("Clean accepted it (%d bytes out)", len(res.Data))
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || len(msg) > 200 {
				t.Errorf("error is not one short line: %q", msg)
			}
		})
	}
}
