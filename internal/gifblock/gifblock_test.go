package gifblock

import (
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testimg"
)

func TestWalk(t *testing.T) {
	g := testimg.InsertGIF(testimg.GIF(t, 4, 4), testimg.GIFExt(Comment, []byte("Jane Roe")),
		testimg.GIFExt(Application, []byte("XMP DataXMP"), []byte("<x/>")), testimg.GIFExt(0x42, []byte("?")))
	full := append(append([]byte{}, g...), "after"...)
	blocks, end, err := Walk(full)
	if err != nil || end != len(g) {
		t.Fatalf("Walk: end %d of %d, %v", end, len(g), err)
	}
	var names []string
	for _, b := range blocks {
		switch b.Kind {
		case Extension:
			names = append(names, ExtName(b))
		case Image:
			names = append(names, "image")
		case Header:
			names = append(names, "header")
		case Trailer:
			names = append(names, "trailer")
		}
	}
	want := "header,comment,application XMP DataXMP,extension 0x42,application NETSCAPE2.0,graphic control,image,graphic control,image,trailer"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("blocks %s\nwant   %s", got, want)
	}
	if string(Join(blocks[1].Data)) != "Jane Roe" || blocks[2].AppID != "XMP DataXMP" {
		t.Errorf("comment %q, app id %q", Join(blocks[1].Data), blocks[2].AppID)
	}
}

func TestWalkDamaged(t *testing.T) {
	g := testimg.GIF(t, 4, 4)
	for _, tt := range []struct {
		name string
		in   []byte
		err  string
	}{
		{"signature", []byte("GIF88a\x01\x00\x01\x00\x00\x00\x00"), "bad signature"},
		{"colour table", testimg.TinyGIF()[:15], "global colour table"},
		{"truncated", g[:len(g)-3], "truncated"},
		{"no trailer", g[:len(g)-1], "no trailer"},
		{"open extension", append(append([]byte{}, g[:len(g)-1]...), '!', 0xF9, 0x07), "sub-blocks"},
		{"bad introducer", append(append([]byte{}, g[:len(g)-1]...), 'x'), "unknown block 0x78"},
	} {
		if _, _, err := Walk(tt.in); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.err)
		}
	}
	if ExtName(Block{Label: Application, AppID: "A\x00B"}) != "application A?B" {
		t.Error("application identifier not made printable")
	}
}

// FuzzWalk: any input walks without panic into ordered blocks inside the file.
func FuzzWalk(f *testing.F) {
	f.Add(testimg.GIF(f, 4, 4))
	f.Add(testimg.TinyGIF(testimg.GIFExt(Comment, []byte("c")), testimg.GIFExt(Application, []byte("ICCRGBG1012"), []byte("p"))))
	f.Fuzz(func(t *testing.T, b []byte) {
		blocks, end, _ := Walk(b)
		if end < 0 || end > len(b) {
			t.Fatalf("end %d of %d", end, len(b))
		}
		at := 0
		for _, blk := range blocks {
			if blk.Start != at || blk.End > len(b) {
				t.Fatalf("block %+v out of place", blk)
			}
			at = blk.End
			Join(blk.Data)
			ExtName(blk)
		}
	})
}
