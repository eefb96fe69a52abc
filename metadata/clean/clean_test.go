package clean

import (
	"bytes"
	"errors"
	"sort"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/internal/jpegseg"
	"codeberg.org/veil/veil/internal/testimg"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"

	"codeberg.org/veil/veil/photo"
)

// checkClean runs File in mode m and checks what every output must satisfy:
// it verifies, holds no planted marker, keeps the displayed pixels, and
// reports each wanted phrase in Removed.
func checkClean(t *testing.T, in []byte, m metadata.Mode, wantRemoved ...string) *metadata.Result {
	t.Helper()
	orig := append([]byte{}, in...)
	res, err := File(in, metadata.Options{Mode: m})
	if err != nil {
		t.Fatalf("Clean: %v", err)
	}
	if !bytes.Equal(in, orig) {
		t.Fatal("Clean modified its input")
	}
	if err := verify.File(res.Data, metadata.Options{Mode: m}); err != nil {
		t.Fatalf("verify.File(output): %v", err)
	}
	if m == metadata.All && bytes.Contains(res.Data, []byte(testimg.Leaky)) {
		t.Errorf("%q survived cleaning", testimg.Leaky)
	}
	if m == metadata.All && bytes.Contains(res.Data, []byte("JaneRoe")) {
		t.Errorf("JaneRoe survived cleaning")
	}
	removed := strings.Join(res.Removed, "; ")
	if strings.Contains(removed, testimg.Leaky) || strings.Contains(removed, "JaneRoe") {
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
	base := testimg.JPEG(t, 24, 16)
	stdICC := testimg.ICC("sRGB IEC61966-2.1", "Copyright (c) 1998 Hewlett-Packard Company")
	personalICC := testimg.ICC("Calibrated display of "+testimg.Leaky, "Copyright "+testimg.Leaky)
	iccSeg := func(p []byte) []byte { return testimg.Seg(0xE2, []byte("ICC_PROFILE\x00\x01\x01"), p) }
	jfifThumb := append(append([]byte{}, testimg.JFIF[:12]...), 1, 1, 'J', 'R', 'x')
	tests := []struct {
		name    string
		in      []byte
		removed []string
		orient  int
		keep    []string // byte strings that must remain
	}{
		{"exif gps and name", testimg.InsertAfterSOI(base, testimg.ExifAPP1(testimg.PersonalEXIF(0))), []string{"EXIF block", "EXIF GPS position"}, 1, nil},
		{"orientation kept minimal", testimg.InsertAfterSOI(base, testimg.ExifAPP1(testimg.PersonalEXIF(6))), []string{"EXIF GPS position"}, 6, nil},
		{"xmp", testimg.InsertAfterSOI(base, testimg.Seg(0xE1, jpegseg.XMP, []byte("<x:xmpmeta>"+testimg.Leaky+"</x:xmpmeta>"))), []string{"XMP packet"}, 1, nil},
		{"extended xmp", testimg.InsertAfterSOI(base, testimg.Seg(0xE1, jpegseg.XMPExt, []byte("0123456789ABCDEF0123456789ABCDEF"+testimg.Leaky))), []string{"extended XMP"}, 1, nil},
		{"iptc", testimg.InsertAfterSOI(base, testimg.Seg(0xED, jpegseg.Photoshop, []byte("8BIM\x04\x04\x00\x00\x00\x00\x00\x0c\x1c\x02\x50\x00\x08"+testimg.Leaky))), []string{"IPTC"}, 1, nil},
		{"comment", testimg.InsertAfterSOI(base, testimg.Seg(0xFE, []byte(testimg.Leaky))), []string{"comment"}, 1, nil},
		{"jfxx thumbnail", testimg.InsertAfterSOI(base, testimg.Seg(0xE0, testimg.JFIF), testimg.Seg(0xE0, []byte("JFXX\x00\x10"+testimg.Leaky))), []string{"JFXX thumbnail"}, 1, []string{"JFIF\x00"}},
		{"jfif thumbnail", testimg.InsertAfterSOI(base, testimg.Seg(0xE0, jfifThumb, []byte(testimg.Leaky))), []string{"JFIF thumbnail"}, 1, []string{"JFIF\x00"}},
		{"jumbf", testimg.InsertAfterSOI(base, testimg.Seg(0xEB, []byte("JP\x00\x01\x00\x00\x00\x01jumb"+testimg.Leaky))), []string{"C2PA"}, 1, nil},
		{"vendor appn", testimg.InsertAfterSOI(base, testimg.Seg(0xE3, []byte("Meta\x00"+testimg.Leaky)), testimg.Seg(0xEF, []byte(testimg.Leaky))), []string{"vendor segment APP3", "vendor segment APP15"}, 1, nil},
		{"second exif", testimg.InsertAfterSOI(base, testimg.ExifAPP1(testimg.EXIF([]testimg.Entry{testimg.Short(ifd.Orientation, 3)}, nil, nil)), testimg.ExifAPP1(testimg.PersonalEXIF(0))), []string{"second EXIF block", "EXIF GPS position"}, 3, nil},
		{"appn after scan", testimg.InsertBeforeEOI(base, testimg.Seg(0xE1, jpegseg.XMP, []byte(testimg.Leaky))), []string{"XMP packet"}, 1, nil},
		{"trailer", append(append([]byte{}, base...), testimg.Leaky...), []string{"8 bytes after end of image"}, 1, nil},
		{"motion photo", append(append([]byte{}, base...), append([]byte("\x00\x00\x00\x18ftypmp42"), testimg.Leaky...)...), []string{"motion photo"}, 1, nil},
		{"personal icc", testimg.InsertAfterSOI(base, iccSeg(personalICC)), []string{"not a standard one"}, 1, nil},
		{"standard icc kept", testimg.InsertAfterSOI(base, iccSeg(stdICC)), nil, 1, []string{"sRGB IEC61966-2.1"}},
		{"adobe kept", testimg.InsertAfterSOI(base, testimg.Seg(0xEE, []byte("Adobe\x00\x64\x00\x00\x00\x00\x01"), []byte(testimg.Leaky))), nil, 1, []string{"Adobe\x00\x64"}},
		{"stray bytes", testimg.InsertAfterSOI(base, testimg.Seg(0xE0, testimg.JFIF), []byte(testimg.Leaky)), []string{"stray bytes"}, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := checkClean(t, tt.in, metadata.All, tt.removed...)
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
	in := testimg.InsertAfterSOI(testimg.JPEG(t, 16, 16), testimg.ExifAPP1(testimg.PersonalEXIF(8)), testimg.Seg(0xE1, jpegseg.XMP, []byte("<x>51.5007 N</x>")))
	res := checkClean(t, in, metadata.LocationOnly, "EXIF GPS position", "XMP packet", "EXIF time zone", "EXIF camera owner name", "EXIF author")
	for _, keep := range []string{"Cam\x00", "2025:07:01 12:34:56"} {
		if !bytes.Contains(res.Data, []byte(keep)) {
			t.Errorf("location-only lost %q", keep)
		}
	}
	for _, gone := range []string{testimg.Leaky, "+01:00", "51.5007"} {
		if bytes.Contains(res.Data, []byte(gone)) {
			t.Errorf("location-only kept %q", gone)
		}
	}
	if o := photo.Orientation(res.Data); o != 8 {
		t.Errorf("orientation %d, want 8", o)
	}
	// The All-mode verifier must refuse what location-only keeps.
	if err := verify.File(res.Data, metadata.Options{}); !errors.Is(err, metadata.ErrNotClean) {
		t.Errorf("verify.File(All mode) accepted camera fields: %v", err)
	}
}

func TestCleanPNG(t *testing.T) {
	base := testimg.PNG(t, 5, 4)
	std := testimg.ICC("Display P3", "Copyright Apple Inc., 2017")
	tests := []struct {
		name    string
		in      []byte
		removed []string
		orient  int
	}{
		{"text chunks", testimg.InsertPNG(base, true, testimg.Chunk("tEXt", []byte("Author\x00"+testimg.Leaky)), testimg.Chunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+testimg.Leaky))), []string{"text chunk tEXt", "text chunk iTXt"}, 1},
		{"text after IDAT", testimg.InsertPNG(base, false, testimg.Chunk("tEXt", []byte("parameters\x00"+testimg.Leaky)), testimg.Chunk("tIME", []byte{7, 233, 7, 1, 12, 0, 0})), []string{"text chunk tEXt", "tIME"}, 1},
		{"exif with orientation", testimg.InsertPNG(base, true, testimg.Chunk("eXIf", testimg.PersonalEXIF(6))), []string{"EXIF GPS position"}, 6},
		{"private chunk and trailer", append(testimg.InsertPNG(base, true, testimg.Chunk("prVt", []byte(testimg.Leaky))), testimg.Leaky...), []string{"chunk prVt", "bytes after end of image"}, 1},
		{"personal iccp", testimg.InsertPNG(base, true, testimg.ICCPChunk("JaneRoe display", testimg.ICC("Jane's display", "Copyright "+testimg.Leaky))), []string{"not a standard one"}, 1},
		{"standard iccp renamed", testimg.InsertPNG(base, true, testimg.ICCPChunk("JaneRoe profile", std)), nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := checkClean(t, tt.in, metadata.All, tt.removed...)
			if o := photo.Orientation(res.Data); o != tt.orient {
				t.Errorf("orientation %d, want %d", o, tt.orient)
			}
		})
	}
	res := checkClean(t, testimg.InsertPNG(base, true, testimg.ICCPChunk("JaneRoe profile", std)), metadata.All)
	if !bytes.Contains(res.Data, []byte("iCCP"+pngICCName)) {
		t.Errorf("standard iCCP not kept under the neutral name")
	}
}

func TestCleanWebP(t *testing.T) {
	std := testimg.ICC("sRGB", "Copyright International Color Consortium, 2009")
	tests := []struct {
		name    string
		in      []byte
		removed []string
		orient  int
	}{
		{"exif xmp iccp", testimg.WebP(testimg.RIFF("VP8X", testimg.VP8X(testimg.VP8XEXIF|testimg.VP8XXMP|testimg.VP8XICC, 3, 2)), testimg.RIFF("ICCP", testimg.ICC(testimg.Leaky, testimg.Leaky)), testimg.RIFF("VP8L", testimg.VP8L3x2),
			testimg.RIFF("EXIF", testimg.PersonalEXIF(0)), testimg.RIFF("XMP ", []byte(testimg.Leaky))), []string{"EXIF block", "XMP packet", "not a standard one"}, 1},
		{"exif orientation", testimg.WebP(testimg.RIFF("VP8X", testimg.VP8X(testimg.VP8XEXIF, 3, 2)), testimg.RIFF("VP8 ", testimg.VP8_3x2), testimg.RIFF("EXIF", append([]byte("Exif\x00\x00"), testimg.PersonalEXIF(3)...))), []string{"EXIF GPS position"}, 3},
		{"unknown chunk and trailer", append(testimg.WebP(testimg.RIFF("VP8L", testimg.VP8L3x2), testimg.RIFF("JRoe", []byte(testimg.Leaky))), testimg.Leaky...), []string{"chunk JRoe", "bytes after end of image"}, 1},
		{"standard icc kept", testimg.WebP(testimg.RIFF("VP8X", testimg.VP8X(testimg.VP8XICC, 3, 2)), testimg.RIFF("ICCP", std), testimg.RIFF("VP8L", testimg.VP8L3x2)), nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := checkClean(t, tt.in, metadata.All, tt.removed...)
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
	base := testimg.GIF(t, 6, 4)
	in := testimg.InsertGIF(base,
		testimg.GIFExt(0xFE, []byte(testimg.Leaky)),
		testimg.GIFExt(0xFF, []byte("XMP DataXMP"), []byte("<x>"+testimg.Leaky+"</x>")),
		testimg.GIFExt(0x01, make([]byte, 12), []byte(testimg.Leaky)),
		testimg.GIFExt(0xFF, []byte("ICCRGBG1012"), testimg.ICC(testimg.Leaky, testimg.Leaky)),
		testimg.GIFExt(0xFF, []byte("NETSCAPE2.0"), []byte{1, 0, 0}, []byte(testimg.Leaky)), // extra sub-block hides data
	)
	in = append(in, testimg.Leaky...)
	res := checkClean(t, in, metadata.All, "comment", "XMP packet", "plain text", "application ICCRGBG1012", "bytes after end of image")
	if !bytes.Contains(res.Data, []byte("NETSCAPE2.0\x03\x01\x00\x00\x00")) {
		t.Errorf("looping extension not kept canonically")
	}
}

func TestCleanTIFF(t *testing.T) {
	std := testimg.ICC("Adobe RGB (1998)", "Copyright 1999 Adobe Systems Incorporated")
	in := testimg.TIFFImage([]testimg.Entry{testimg.ASCII(0x010F, "Cam"), testimg.ASCII(0x013B, testimg.Leaky), testimg.ASCII(0x011D, "JaneRoe page"),
		testimg.Short(ifd.Orientation, 6), testimg.Undefined(ifd.ICCProfile, std)}, []testimg.Entry{testimg.ASCII(1, "N")})
	for _, m := range []metadata.Mode{metadata.All, metadata.LocationOnly} {
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
		if kept := bytes.Contains(res.Data, []byte("Cam\x00")); kept != (m == metadata.LocationOnly) {
			t.Errorf("mode %d: camera make kept = %v", m, kept)
		}
	}
}

// A TIFF with premultiplied translucent pixels cannot go through PNG (straight
// alpha) unchanged, so the output must not claim to be lossless.
func TestCleanTIFFPremultiplied(t *testing.T) {
	pix := []byte{128, 0, 0, 128, 0, 0, 0, 0, 1, 1, 1, 3, 255, 255, 255, 255, 7, 9, 11, 13, 50, 0, 0, 200}
	res, err := File(testimg.TIFFPixels(4, pix, nil, nil), metadata.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Lossless {
		t.Errorf("premultiplied translucent TIFF reported lossless")
	}
	res, err = File(testimg.TIFFPixels(4, bytes.Repeat([]byte{9, 99, 199, 255}, 6), nil, nil), metadata.Options{})
	if err != nil || !res.Lossless {
		t.Errorf("opaque RGBA TIFF: lossless=%v err=%v, want lossless", res != nil && res.Lossless, err)
	}
}

func TestCleanBadInput(t *testing.T) {
	j := testimg.JPEG(t, 8, 8)
	noSOS := testimg.InsertAfterSOI([]byte{0xFF, 0xD8, 0xFF, 0xD9})
	hugePNG := testimg.PNG(t, 2, 2)
	hugePNG = append([]byte{}, hugePNG...)
	copy(hugePNG[16:24], []byte{0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0}) // 100000x100000
	for name, b := range map[string][]byte{
		"empty":            nil,
		"not an image":     []byte("hello, world"),
		"jpeg truncated":   j[:len(j)-40],
		"jpeg cut in head": j[:scanStart(t, j)-4],
		"jpeg no scan":     noSOS,
		"jpeg bad segment": append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x7F, 0xFF}, j[2:]...),
		"png truncated":    testimg.PNG(t, 4, 4)[:50],
		"png absurd size":  hugePNG,
		"gif truncated":    testimg.GIF(t, 4, 4)[:40],
		"webp bad size":    append([]byte("RIFF\xff\xff\xff\x7fWEBP"), testimg.RIFF("VP8L", testimg.VP8L3x2)...),
		"tiff no pixels":   testimg.EXIF([]testimg.Entry{testimg.ASCII(0x013B, testimg.Leaky)}, nil, nil),
		"heif no image":    []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x08mdat"),
	} {
		t.Run(name, func(t *testing.T) {
			res, err := File(b, metadata.Options{})
			if err == nil {
				t.Fatalf("Clean accepted it (%d bytes out)", len(res.Data))
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || len(msg) > 200 {
				t.Errorf("error is not one short line: %q", msg)
			}
		})
	}
}

// TestLocationOnlyKeepsWhatVerifyAllows: every tag location-only mode keeps
// survives the verifier, which judges by its own allow-list (a tag kept here
// but refused there would make every such photo fail to clean).
func TestLocationOnlyKeepsWhatVerifyAllows(t *testing.T) {
	entries := func(keep map[uint16]bool) []testimg.Entry {
		var es []testimg.Entry
		for tag := range keep {
			es = append(es, testimg.Short(tag, 1))
		}
		sort.Slice(es, func(i, j int) bool { return es[i].Tag < es[j].Tag })
		return es
	}
	tiff := testimg.EXIF(entries(keepIFD0), entries(keepExifIFD), nil)
	res, err := File(testimg.InsertAfterSOI(testimg.JPEG(t, 8, 8), testimg.ExifAPP1(tiff)), metadata.Options{Mode: metadata.LocationOnly})
	if err != nil {
		t.Fatalf("File: %v", err)
	}
	kept, _, err := locationSafeEXIF(tiff, true)
	if err != nil || !bytes.Contains(res.Data, kept) {
		t.Fatalf("the output lacks the %d kept tags (%v)", len(keepIFD0)+len(keepExifIFD), err)
	}
}
