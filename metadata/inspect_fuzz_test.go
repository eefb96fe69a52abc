package metadata

import (
	"os"
	"testing"
)

// FuzzInspect checks that Inspect never panics or hangs, whatever the bytes,
// and that every finding it returns is well formed.
func FuzzInspect(f *testing.F) {
	base := iJPEG(f, 8, 8)
	f.Add(base)
	f.Add(benchJPEG(f))
	f.Add(iWithSegs(base, []byte("\x00\x00\x00\x18ftypisom"), iExifSeg(iTIFF(&iIFD{sub: map[uint16]*iIFD{0x8825: gpsIFD()}}))))
	f.Add(iPNG(f, [][2]string{{"tEXt", "Author\x00Jane"}, {"eXIf", string(iTIFF(&iIFD{entries: []iEntry{iASCII(0x013B, "x")}}))}}, nil))
	f.Add(iWebP([2]string{"XMP ", iXMP("<dc:creator>x</dc:creator>")}))
	f.Add(iGIF(append([]byte{0x21, 0xFE}, iSub([]byte("comment"))...)))
	f.Add(iTIFF(&iIFD{entries: []iEntry{iASCII(0x013B, "Jane")}}))
	// Seed with the shared corpus when it is present (small files only, so
	// the fuzzer's mutations stay fast).
	for _, p := range inspCorpusFiles() {
		if b, err := os.ReadFile(p); err == nil && len(b) < 256<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Inspect(b)
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
			if len(fd.Value) > 4*inspMaxValue+8 {
				t.Fatalf("value too long: %d bytes", len(fd.Value))
			}
		}
	})
}
