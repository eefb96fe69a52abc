package photo

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
)

func bmffBox(typ string, payload ...[]byte) []byte {
	n := 8
	for _, p := range payload {
		n += len(p)
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(n))
	b = append(b, typ...)
	for _, p := range payload {
		b = append(b, p...)
	}
	return b
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

var heifFtyp = bmffBox("ftyp", []byte("heic\x00\x00\x00\x00mif1heic"))

func TestCheckHEIF(t *testing.T) {
	fullbox := []byte{0, 0, 0, 0}
	hdlr := bmffBox("hdlr", fullbox, make([]byte, 4), []byte("pict"), make([]byte, 13))
	nested := bmffBox("ipco")
	for i := 0; i < 40; i++ {
		nested = bmffBox("ipco", nested)
	}
	tests := map[string]struct {
		in      []byte
		wantErr string
	}{
		"minimal":          {cat(heifFtyp, bmffBox("meta", fullbox, hdlr), bmffBox("mdat", []byte("data"))), ""},
		"final zero mdat":  {cat(heifFtyp, bmffBox("meta", fullbox, hdlr), []byte{0, 0, 0, 0}, []byte("mdatdata")), ""},
		"zero inside meta": {cat(heifFtyp, bmffBox("meta", fullbox, []byte{0, 0, 0, 0, 'h', 'd', 'l', 'r'})), "zero-size"},
		"past end":         {cat(heifFtyp, []byte{0x7F, 0xFF, 0xFF, 0xFF}, []byte("meta\x00\x00\x00\x00")), "past the end"},
		"large size":       {cat(heifFtyp, []byte{0, 0, 0, 1}, []byte("mdat"), []byte{0x7F, 0, 0, 0, 0, 0, 0, 0}), "past the end"},
		"too deep":         {cat(heifFtyp, bmffBox("meta", fullbox, bmffBox("iprp", nested))), "nested too deeply"},
		"ftyp only":        {heifFtyp, "no meta box"},
		"no ftyp":          {bmffBox("meta", fullbox, hdlr), "no ftyp"},
		"short header":     {cat(heifFtyp, []byte{0, 0, 0}), "truncated box header"},
		"truncated iinf":   {cat(heifFtyp, bmffBox("meta", fullbox, bmffBox("iinf", []byte{1}))), "truncated \"iinf\""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := checkHEIF(tt.in)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCheckHEIFManyBoxes(t *testing.T) {
	var many []byte
	for i := 0; i < heifMaxBoxes+1; i++ {
		many = append(many, bmffBox("free")...)
	}
	if err := checkHEIF(cat(heifFtyp, many)); err == nil || !strings.Contains(err.Error(), "too many") {
		t.Fatalf("err = %v", err)
	}
}

// TestDecodeHostileHEIFStopsBeforeDecoder: a box loop is refused by the box
// walk, so the decoder (which cannot be interrupted) never sees it. That is
// what keeps it quick; the walk itself is bounded by box count and depth.
func TestDecodeHostileHEIFStopsBeforeDecoder(t *testing.T) {
	in := cat(heifFtyp, bmffBox("meta", []byte{0, 0, 0, 0}, []byte{0, 0, 0, 0, 'h', 'd', 'l', 'r'}))
	walkErr := checkHEIF(in)
	if walkErr == nil {
		t.Fatal("the box walk let a zero-size box loop through to the decoder")
	}
	_, _, err := Decode(in)
	if err == nil {
		t.Fatal("hostile HEIF decoded")
	}
	if !strings.Contains(err.Error(), walkErr.Error()) {
		t.Errorf("Decode: %v, want the box walk's %q (the decoder was reached)", err, walkErr)
	}
}

// TestCheckHEIFAcceptsRealFiles: the walk must not refuse real phone photos.
func TestCheckHEIFAcceptsRealFiles(t *testing.T) {
	shared := testenv.Shared(t, "fixtures")
	n := 0
	filepath.WalkDir(shared, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil || Sniff(b) != HEIF {
			return nil
		}
		n++
		if err := checkHEIF(b); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		return nil
	})
	if n == 0 {
		t.Skip("no HEIF files in ../shared/fixtures")
	}
	t.Logf("%d real HEIF files pass the box walk", n)
}

func FuzzCheckHEIF(f *testing.F) {
	f.Add(cat(heifFtyp, bmffBox("meta", []byte{0, 0, 0, 0}, bmffBox("iinf", []byte{0, 0, 0, 0, 0, 1}, bmffBox("infe", make([]byte, 12))))))
	f.Add(cat(heifFtyp, bmffBox("meta", []byte{0, 0, 0, 0}, []byte{0, 0, 0, 0, 'h', 'd', 'l', 'r'})))
	f.Add(heifFtyp)
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := checkHEIF(b); err == nil && len(b) > 0 && string(b[4:8]) != "ftyp" {
			t.Fatalf("accepted a file without ftyp first")
		}
	})
}
