package riff

import (
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testimg"
)

func TestWebP(t *testing.T) {
	w := testimg.WebP(testimg.RIFF("VP8X", testimg.VP8X(testimg.VP8XAnim|testimg.VP8XEXIF, 3, 2)), testimg.RIFF("ANIM", make([]byte, 6)),
		testimg.RIFF("ANMF", append(make([]byte, 16), testimg.RIFF("VP8L", testimg.VP8L3x2)...)), testimg.RIFF("EXIF", []byte("odd")))
	full := append(append([]byte{}, w...), "junk"...)
	chunks, end, err := WebP(full)
	if err != nil || end != len(w) || len(chunks) != 4 {
		t.Fatalf("WebP: %d chunks, end %d of %d, %v", len(chunks), end, len(w), err)
	}
	if c := chunks[3]; c.FourCC != "EXIF" || string(c.Data) != "odd" || c.End != len(w) {
		t.Errorf("odd-sized chunk %+v (pad byte)", c)
	}
	frame, err := Frame(full, chunks[2])
	if err != nil || len(frame) != 1 || frame[0].FourCC != "VP8L" {
		t.Errorf("Frame = %+v, %v", frame, err)
	}
	if string(Find(full, "EXIF")) != "odd" || Find(full, "XMP ") != nil {
		t.Error("Find")
	}
}

func TestWebPDamaged(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   []byte
		err  string
	}{
		{"header", []byte("RIFF\x04\x00\x00\x00WAVE"), "bad RIFF header"},
		{"size past the end", append([]byte("RIFF\xff\xff\xff\x7fWEBP"), testimg.RIFF("VP8L", []byte{1})...), "RIFF claims"},
		{"no chunks", []byte("RIFF\x04\x00\x00\x00WEBP"), "no chunks"},
		{"chunk past the end", testimg.WebP([]byte("VP8L\xff\x00\x00\x00")), "claims 255 bytes"},
		{"stray bytes", testimg.WebP(testimg.RIFF("VP8L", []byte{1, 2}), []byte("xy")), "stray bytes"},
	} {
		if _, _, err := WebP(tt.in); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.err)
		}
	}
	if _, err := Frame(nil, Chunk{FourCC: "ANMF", Data: make([]byte, 8)}); err == nil {
		t.Error("short ANMF accepted")
	}
}

// FuzzWebP: any input walks without panic into chunks inside the RIFF data,
// frames included.
func FuzzWebP(f *testing.F) {
	f.Add(testimg.WebP(testimg.RIFF("VP8L", testimg.VP8L3x2)))
	f.Add(testimg.WebP(testimg.RIFF("VP8X", testimg.VP8X(testimg.VP8XAnim, 3, 2)), testimg.RIFF("ANMF", append(make([]byte, 16), testimg.RIFF("VP8L", testimg.VP8L3x2)...))))
	f.Fuzz(func(t *testing.T, b []byte) {
		chunks, end, _ := WebP(b)
		if end < 0 || end > len(b) {
			t.Fatalf("end %d of %d", end, len(b))
		}
		for _, c := range chunks {
			if c.Start < 12 || c.End > end || c.Start+8+len(c.Data) > c.End {
				t.Fatalf("chunk %q at %d-%d outside the RIFF data", c.FourCC, c.Start, c.End)
			}
			if c.FourCC == "ANMF" {
				sub, _ := Frame(b, c)
				for _, s := range sub {
					if s.Start < c.Start || s.End > c.End {
						t.Fatalf("frame chunk outside its ANMF")
					}
				}
			}
		}
		Find(b, "EXIF")
	})
}
