package pngchunk

import (
	"bytes"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testimg"
)

func TestWalk(t *testing.T) {
	p := testimg.InsertPNG(testimg.PNG(t, 4, 4), true, testimg.Chunk("eXIf", []byte("MM\x00*")))
	p = testimg.InsertPNG(p, false, testimg.Chunk("tEXt", []byte("Author\x00Jane Roe")))
	full := append(append([]byte{}, p...), "tail"...)
	chunks, end, err := Walk(full)
	if err != nil || end != len(p) {
		t.Fatalf("Walk: end %d of %d: %v", end, len(p), err)
	}
	var types []string
	for _, c := range chunks {
		types = append(types, c.Type)
	}
	if got := strings.Join(types, ","); got != "IHDR,eXIf,IDAT,tEXt,IEND" {
		t.Errorf("chunks %s", got)
	}
	if string(Find(full, "tEXt")) != "Author\x00Jane Roe" || Find(full, "iCCP") != nil {
		t.Error("Find")
	}
}

func TestWalkDamaged(t *testing.T) {
	p := testimg.PNG(t, 4, 4)
	for _, tt := range []struct {
		name string
		in   []byte
		err  string
	}{
		{"signature", []byte("GIF89a"), "bad signature"},
		{"no IEND", p[:len(p)-12], "no IEND"},
		{"stray bytes", p[:len(p)-5], "stray bytes"},
		{"chunk past the end", append(append([]byte{}, Signature...), 0x7F, 0, 0, 0, 'I', 'H', 'D', 'R', 0, 0, 0, 0), "claims"},
		{"bad type", append(append([]byte{}, Signature...), 0, 0, 0, 0, 'I', 'H', 0, 'R', 0, 0, 0, 0), "invalid chunk type"},
	} {
		if _, _, err := Walk(tt.in); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.err)
		}
	}
}

func TestICCP(t *testing.T) {
	prof := bytes.Repeat([]byte("icc"), 100)
	c := testimg.ICCPChunk("Display", prof)
	data := c[8 : len(c)-4]
	name, got, err := ICCP(data, 1000)
	if err != nil || name != "Display" || !bytes.Equal(got, prof) {
		t.Fatalf("ICCP = %q, %d bytes, %v", name, len(got), err)
	}
	if _, _, err := ICCP(data, 299); err == nil {
		t.Error("a profile over the limit was inflated")
	}
	for _, bad := range [][]byte{[]byte("\x00\x00x"), []byte("name"), append([]byte(strings.Repeat("n", 80)), 0, 0), []byte("n\x00\x01z")} {
		if _, _, err := ICCP(bad, 1000); err == nil {
			t.Errorf("ICCP(%q) accepted", bad)
		}
	}
}

// FuzzWalk: any input walks without panic into ordered chunks inside the
// file; an iCCP payload inflates within its limit; Find returns chunk data.
func FuzzWalk(f *testing.F) {
	p := testimg.PNG(f, 4, 4)
	f.Add(p)
	f.Add(testimg.InsertPNG(p, true, testimg.ICCPChunk("x", testimg.ICC("sRGB", "")), testimg.Chunk("eXIf", []byte("MM\x00*"))))
	f.Fuzz(func(t *testing.T, b []byte) {
		chunks, end, _ := Walk(b)
		if end < 0 || end > len(b) || len(chunks) > MaxChunks {
			t.Fatalf("end %d of %d", end, len(b))
		}
		at := len(Signature)
		for _, c := range chunks {
			if c.Start != at || c.End > len(b) || len(c.Data) != c.End-c.Start-12 {
				t.Fatalf("chunk %s at %d-%d out of place", c.Type, c.Start, c.End)
			}
			at = c.End
			if c.Type == "iCCP" {
				if _, prof, err := ICCP(c.Data, 1<<16); err == nil && len(prof) > 1<<16 {
					t.Fatalf("profile of %d bytes", len(prof))
				}
			}
		}
		if d := Find(b, "eXIf"); d != nil && len(chunks) == 0 {
			t.Fatalf("Find found %d bytes in a file that does not walk", len(d))
		}
	})
}
