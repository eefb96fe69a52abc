package photo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/internal/testimg"
)

var heifFtyp = testimg.FtypHEIC()

func TestCheckHEIF(t *testing.T) {
	fullbox := []byte{0, 0, 0, 0}
	hdlr := testimg.Box("hdlr", fullbox, make([]byte, 4), []byte("pict"), make([]byte, 13))
	nested := testimg.Box("ipco")
	for i := 0; i < 40; i++ {
		nested = testimg.Box("ipco", nested)
	}
	tests := map[string]struct {
		in      []byte
		wantErr string
	}{
		"minimal":          {testimg.Cat(heifFtyp, testimg.Box("meta", fullbox, hdlr), testimg.Box("mdat", []byte("data"))), ""},
		"final zero mdat":  {testimg.Cat(heifFtyp, testimg.Box("meta", fullbox, hdlr), []byte{0, 0, 0, 0}, []byte("mdatdata")), ""},
		"zero inside meta": {testimg.Cat(heifFtyp, testimg.Box("meta", fullbox, []byte{0, 0, 0, 0, 'h', 'd', 'l', 'r'})), "zero-size"},
		"past end":         {testimg.Cat(heifFtyp, []byte{0x7F, 0xFF, 0xFF, 0xFF}, []byte("meta\x00\x00\x00\x00")), "past the end"},
		"large size":       {testimg.Cat(heifFtyp, []byte{0, 0, 0, 1}, []byte("mdat"), []byte{0x7F, 0, 0, 0, 0, 0, 0, 0}), "past the end"},
		"too deep":         {testimg.Cat(heifFtyp, testimg.Box("meta", fullbox, testimg.Box("iprp", nested))), "nested too deeply"},
		"ftyp only":        {heifFtyp, "no meta box"},
		"no ftyp":          {testimg.Box("meta", fullbox, hdlr), "no ftyp"},
		"short header":     {testimg.Cat(heifFtyp, []byte{0, 0, 0}), "truncated box header"},
		"truncated iinf":   {testimg.Cat(heifFtyp, testimg.Box("meta", fullbox, testimg.Box("iinf", []byte{1}))), "truncated \"iinf\""},
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
		many = append(many, testimg.Box("free")...)
	}
	if err := checkHEIF(testimg.Cat(heifFtyp, many)); err == nil || !strings.Contains(err.Error(), "too many") {
		t.Fatalf("err = %v", err)
	}
}

// TestDecodeHostileHEIFStopsBeforeDecoder: a box loop is refused by the box
// walk, so the decoder (which cannot be interrupted) never sees it. That is
// what keeps it quick; the walk itself is bounded by box count and depth.
func TestDecodeHostileHEIFStopsBeforeDecoder(t *testing.T) {
	in := testimg.Cat(heifFtyp, testimg.Box("meta", []byte{0, 0, 0, 0}, []byte{0, 0, 0, 0, 'h', 'd', 'l', 'r'}))
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
	f.Add(testimg.Cat(heifFtyp, testimg.Box("meta", []byte{0, 0, 0, 0}, testimg.Box("iinf", []byte{0, 0, 0, 0, 0, 1}, testimg.Box("infe", make([]byte, 12))))))
	f.Add(testimg.Cat(heifFtyp, testimg.Box("meta", []byte{0, 0, 0, 0}, []byte{0, 0, 0, 0, 'h', 'd', 'l', 'r'})))
	f.Add(heifFtyp)
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := checkHEIF(b); err == nil && len(b) > 0 && string(b[4:8]) != "ftyp" {
			t.Fatalf("accepted a file without ftyp first")
		}
	})
}
