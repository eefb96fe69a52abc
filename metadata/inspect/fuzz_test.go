package inspect

import (
	"os"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/internal/testimg"
)

// FuzzFile checks that File never panics or hangs, whatever the bytes,
// and that every finding it returns is well formed.
func FuzzFile(f *testing.F) {
	base := testimg.EncodeJPEG(f, testimg.Stripes(8, 8), 80)
	f.Add(base)
	f.Add(benchJPEG(f))
	f.Add(jpegWith(base, []byte("\x00\x00\x00\x18ftypisom"), testimg.ExifAPP1(testimg.TIFF(&testimg.IFD{Sub: map[uint16]*testimg.IFD{0x8825: gpsIFD()}}))))
	f.Add(pngWith([][2]string{{"tEXt", "Author\x00Jane"}, {"eXIf", string(testimg.TIFF(&testimg.IFD{Entries: []testimg.Entry{testimg.ASCII(0x013B, "x")}}))}}, nil))
	f.Add(webpWith([2]string{"XMP ", xmpPacket("<dc:creator>x</dc:creator>")}))
	f.Add(testimg.TinyGIF(append([]byte{0x21, 0xFE}, testimg.SubBlocks([]byte("comment"))...)))
	f.Add(testimg.TIFF(&testimg.IFD{Entries: []testimg.Entry{testimg.ASCII(0x013B, "Jane")}}))
	// Seed with the shared corpus when it is present (small files only, so
	// the fuzzer's mutations stay fast).
	for _, p := range testenv.FilesIfPresent("fixtures/metadata") {
		if b, err := os.ReadFile(p); err == nil && len(b) < 256<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := File(b)
		if err != nil {
			if r != nil {
				t.Fatal("report with an error")
			}
			return
		}
		for _, fd := range r.Findings {
			if fd.Where == "" || fd.Field == "" {
				t.Fatalf("finding without location or field: %+v", fd)
			}
			if len(fd.Value) > 4*maxValue+8 {
				t.Fatalf("value too long: %d bytes", len(fd.Value))
			}
		}
	})
}
