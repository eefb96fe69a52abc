package jpegseg

import (
	"bytes"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testimg"
)

func names(segs []Segment) string {
	var s []string
	for _, g := range segs {
		s = append(s, Name(g))
	}
	return strings.Join(s, ",")
}

func TestWalk(t *testing.T) {
	j := testimg.InsertAfterSOI(testimg.JPEG(t, 16, 8),
		testimg.Seg(APP0, JFIF, []byte("\x01\x01\x01\x00\x48\x00\x48\x00\x00")),
		testimg.ExifAPP1(testimg.EXIF([]testimg.Entry{testimg.Short(0x0112, 6)}, nil, nil)),
		testimg.XMPAPP1("<x:xmpmeta/>"),
		testimg.Seg(APP2, ICC, []byte("\x01\x01junk")),
		testimg.Seg(APP11, []byte("JP\x00\x01jumb")),
		testimg.Seg(0xE5, []byte("RMETA\x00x")),
		testimg.Seg(0xE7, []byte{0, 1, 2}),
		testimg.Seg(COM, []byte("a comment")),
	)
	j = testimg.InsertBeforeEOI(j, testimg.Seg(0xE3, []byte("late\x00")))
	full := append(append([]byte{}, j...), "TRAILER"...)
	segs, end, err := Walk(full)
	if err != nil || end != len(j) {
		t.Fatalf("Walk: end %d of %d, %v", end, len(j), err)
	}
	got := names(segs)
	for _, want := range []string{
		"SOI,APP0 JFIF,APP1 Exif,APP1 XMP,APP2 ICC_PROFILE,APP11 JUMBF,APP5 RMETA,APP7,COM,", ",SOF0,", ",DHT,", ",SOS,APP3 late,EOI",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("names %q lack %q", got, want)
		}
	}
	for _, s := range segs {
		if s.Marker == SOS && (len(s.Scan) == 0 || s.End != s.Start+4+len(s.Payload)+len(s.Scan)) {
			t.Errorf("SOS %+v does not hold its scan", s)
		}
	}
	if tf := ExifTIFF(full); !bytes.HasPrefix(tf, []byte("MM\x00*")) {
		t.Errorf("ExifTIFF = %q", tf)
	}
}

func TestWalkDamaged(t *testing.T) {
	j := testimg.JPEG(t, 8, 8)
	tests := []struct {
		name string
		in   []byte
		err  string
		last string // name of the last segment returned
	}{
		{"empty", nil, "not a JPEG", ""},
		{"truncated", j[:len(j)-10], "no end-of-image", "SOS"},
		{"segment past the end", append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, 1, 2, 3), "claims 65535 bytes", "SOI"},
		{"reserved marker", append([]byte{0xFF, 0xD8, 0xFF, 0x02}, j[2:]...), "invalid marker 0x02", "SOI"},
		{"stray bytes to the end", []byte{0xFF, 0xD8, 'a', 'b'}, "no end-of-image", "stray bytes"},
		{"fill bytes to the end", []byte{0xFF, 0xD8, 0xFF, 0xFF}, "no end-of-image", "SOI"},
	}
	for _, tt := range tests {
		segs, _, err := Walk(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.err)
		}
		if last := ""; len(segs) > 0 {
			if last = Name(segs[len(segs)-1]); last != tt.last {
				t.Errorf("%s: last segment %q, want %q", tt.name, last, tt.last)
			}
		}
	}
	if ExifTIFF(j[:len(j)-10]) != nil {
		t.Error("ExifTIFF found EXIF in a JPEG without any")
	}
}

func TestMPFImages(t *testing.T) {
	main, second := testimg.JPEG(t, 8, 8), testimg.JPEG(t, 4, 4)
	index := func(off uint32) []byte {
		e := make([]byte, 32)
		copy(e[4:], testimg.BE32(uint32(len(main))))
		copy(e[16+4:], testimg.BE32(uint32(len(second))))
		copy(e[16+8:], testimg.BE32(off))
		return testimg.EXIF([]testimg.Entry{testimg.Undefined(0xB002, e)}, nil, nil)
	}
	first := testimg.InsertAfterSOI(main, testimg.Seg(APP2, MPF, index(0)))
	const mpfHeader = 2 + 4 + 4 // SOI, marker and length, "MPF\0"
	j := append(testimg.InsertAfterSOI(main, testimg.Seg(APP2, MPF, index(uint32(len(first)-mpfHeader)))), second...)
	segs, _, err := Walk(j)
	if err != nil {
		t.Fatal(err)
	}
	if im := MPFImages(j, segs); len(im) != 1 || im[0] != [2]int{len(first), len(j)} {
		t.Errorf("MPFImages = %v, want [[%d %d]]", im, len(first), len(j))
	}
}

func TestMarkerName(t *testing.T) {
	for m, want := range map[byte]string{SOF0: "SOF0", 0xC2: "SOF2", DHT: "DHT", RST0 + 3: "RST3", 0xEC: "APP12", 0xF3: "JPG3", DHP: "DHP", TEM: "TEM", 0x05: "marker 0x05"} {
		if got := MarkerName(m); got != want {
			t.Errorf("MarkerName(0x%02X) = %q, want %q", m, got, want)
		}
	}
}

// FuzzWalk: any input walks without panic into ordered segments inside the
// file, and ExifTIFF returns a sub-slice of it.
func FuzzWalk(f *testing.F) {
	j := testimg.JPEG(f, 8, 8)
	f.Add(j)
	f.Add(testimg.InsertAfterSOI(j, testimg.ExifAPP1(testimg.EXIF([]testimg.Entry{testimg.Short(0x0112, 6)}, nil, nil)), testimg.Seg(APP2, MPF, []byte("MM\x00*\x00\x00\x00\x08"))))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xFF, 0x00, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0x00, 0xFF, 0xD0, 0xFF, 0xD9})
	f.Fuzz(func(t *testing.T, b []byte) {
		segs, end, _ := Walk(b)
		if end < 0 || end > len(b) || len(segs) > MaxSegments {
			t.Fatalf("end %d of %d, %d segments", end, len(b), len(segs))
		}
		at := 0
		for _, s := range segs {
			if s.Start < at || s.End < s.Start || s.End > len(b) {
				t.Fatalf("segment %+v out of order or outside the file", s)
			}
			at = s.End
		}
		for _, im := range MPFImages(b, segs) {
			if im[0] < 0 || im[1] > len(b) || im[0] > im[1] {
				t.Fatalf("MPF image %v outside the file", im)
			}
		}
		ExifTIFF(b)
	})
}
