package bmff

import (
	"bytes"
	"strings"
	"testing"

	tm "codeberg.org/veil/veil/internal/testimg"
)

func TestParseHeader(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   []byte
		want Header
		err  bool
	}{
		{"plain", tm.Box("ftyp", []byte("heic")), Header{Type: "ftyp", Size: 12, Len: 8}, false},
		{"to the end", []byte("\x00\x00\x00\x00mdat"), Header{Type: "mdat", Len: 8}, false},
		{"largesize", []byte("\x00\x00\x00\x01mdat\x00\x00\x00\x01\x00\x00\x00\x00"), Header{Type: "mdat", Size: 1 << 32, Len: 16, Large: true}, false},
		{"uuid", append([]byte("\x00\x00\x00\x20uuid"), make([]byte, 24)...), Header{Type: "uuid", Size: 32, Len: 24}, false},
		{"short", []byte("\x00\x00\x00"), Header{}, true},
		{"short largesize", []byte("\x00\x00\x00\x01mdat\x00\x00"), Header{Type: "mdat", Size: 1, Len: 8}, true},
	} {
		h, err := ParseHeader(tt.in)
		if h != tt.want || (err != nil) != tt.err {
			t.Errorf("%s: %+v, %v; want %+v", tt.name, h, err, tt.want)
		}
	}
}

func TestWalk(t *testing.T) {
	b := tm.Cat(tm.FtypHEIC(), tm.FullBox("meta", 0, tm.FullBox("hdlr", 0, make([]byte, 21))), []byte("\x00\x00\x00\x00mdatDATA"))
	boxes, err := Walk(b, 0, len(b))
	if err != nil || len(boxes) != 3 || boxes[2].Type != "mdat" || string(boxes[2].Data) != "DATA" || boxes[2].End != len(b) {
		t.Fatalf("Walk: %+v %v", boxes, err)
	}
	kids, err := Children(b, boxes[1], 4)
	if err != nil || len(kids) != 1 || kids[0].Type != "hdlr" || kids[0].PayloadStart() != boxes[1].PayloadStart()+4+8 {
		t.Errorf("meta children %+v %v", kids, err)
	}
	for _, tt := range []struct {
		name string
		in   []byte
		err  string
	}{
		{"stray bytes", append(tm.FtypHEIC(), 1, 2, 3), "3 stray bytes"},
		{"past the end", append(tm.FtypHEIC(), "\x7f\xff\xff\xffmeta"...), `"meta" box at offset 24 claims`},
		{"largesize past the end", append(tm.FtypHEIC(), "\x00\x00\x00\x01mdat\x7f\x00\x00\x00\x00\x00\x00\x00"...), "claims"},
		{"zero largesize", append(tm.FtypHEIC(), "\x00\x00\x00\x01mdat\x00\x00\x00\x00\x00\x00\x00\x00"...), "claims 0 bytes"},
		{"cut largesize", append(tm.FtypHEIC(), "\x00\x00\x00\x01mdat\x00"...), `"mdat" box at offset 24`},
		{"unprintable type", append(tm.FtypHEIC(), "\x00\x00\x00\x09a\x00\x01b"...), `"a??b"`},
	} {
		if _, err := Walk(tt.in, 0, len(tt.in)); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.err)
		}
	}
}

func TestItemBoxes(t *testing.T) {
	box := func(b []byte) Box {
		bs, err := Walk(b, 0, len(b))
		if err != nil || len(bs) != 1 {
			t.Fatalf("%q: %v", b, err)
		}
		return bs[0]
	}
	if p, err := ParsePitm(box(tm.FullBox("pitm", 1, tm.BE32(70000)))); err != nil || p.ID != 70000 || !p.Exact {
		t.Errorf("pitm v1: %+v %v", p, err)
	}
	if p, err := ParsePitm(box(tm.FullBox("pitm", 0, []byte{1}))); err == nil || p.Exact {
		t.Errorf("short pitm: %+v %v", p, err)
	}
	if e, err := ParseInfe(box(tm.Infe(7, "mime", "name", []byte("application/rdf+xml\x00")))); err != nil || e.ID != 7 || e.Type != "mime" ||
		e.Name != "name" || e.ContentType != "application/rdf+xml" {
		t.Errorf("infe v2: %+v %v", e, err)
	}
	if e, _ := ParseInfe(box(tm.FullBox("infe", 0, tm.BE16(3), tm.BE16(0), []byte("n\x00text/plain\x00")))); e.ID != 3 || e.Type != "mime" || e.ContentType != "text/plain" {
		t.Errorf("infe v0: %+v", e)
	}
	if e, err := ParseInfe(box(tm.FullBox("infe", 3, tm.BE32(1<<20), tm.BE16(1), []byte("hv")))); err == nil || e.ID != 1<<20 || e.Protection != 1 {
		t.Errorf("short infe v3: %+v %v", e, err)
	}

	iref := tm.FullBox("iref", 0, tm.Box("dimg", tm.BE16(1), tm.BE16(2), tm.BE16(2), tm.BE16(3)), tm.Box("thmb", tm.BE16(4), tm.BE16(2), tm.BE16(1)))
	rs, err := ParseIref(iref, box(iref))
	if err != nil || len(rs.Refs) != 2 || !rs.Refs[0].Exact || len(rs.Refs[0].To) != 2 || rs.Refs[1].Exact || len(rs.Refs[1].To) != 1 {
		t.Errorf("iref: %+v %v", rs, err)
	}

	iinf := tm.FullBox("iinf", 0, tm.BE16(2), tm.Infe(1, "hvc1", ""), tm.Infe(2, "Exif", ""))
	if l, err := ParseIinf(iinf, box(iinf)); err != nil || l.Count != 2 || len(l.Entries) != 2 {
		t.Errorf("iinf: %+v %v", l, err)
	}
	if _, err := ParseIinf(nil, box(tm.FullBox("iinf", 1, []byte{0}))); err == nil {
		t.Error("short iinf read")
	}
}

func TestParseIloc(t *testing.T) {
	// Version 1, 4-byte offsets and lengths, 4-byte base offsets.
	v1 := tm.Cat([]byte{1, 0, 0, 0, 0x44, 0x40}, tm.BE16(2),
		tm.BE16(1), tm.BE16(1), tm.BE16(0), tm.BE32(100), tm.BE16(2), tm.BE32(0), tm.BE32(10), tm.BE32(10), tm.BE32(5),
		tm.BE16(2), tm.BE16(0), tm.BE16(0), tm.BE32(0), tm.BE16(1), tm.BE32(500), tm.BE32(0))
	l, err := ParseIloc(v1)
	if err != nil || !l.Exact || len(l.Items) != 2 {
		t.Fatalf("iloc: %+v %v", l, err)
	}
	if it := l.Items[0]; it.Method != 1 || it.BaseOffset != 100 || it.ExtentCount != 2 || it.Extents[1] != (Extent{Offset: 10, Length: 5}) {
		t.Errorf("entry 1: %+v", it)
	}
	if _, err := ParseIloc(v1[:len(v1)-3]); err == nil {
		t.Error("truncated iloc read whole")
	}
	if _, err := ParseIloc([]byte{0, 0, 0, 0, 0x33, 0, 0, 1, 0, 1, 0, 0, 0, 1, 1, 2, 3}); err == nil {
		t.Error("3-byte field sizes accepted")
	}
	// Extents of zero-byte fields cost nothing to claim: 400 kB could claim
	// four billion of them (the walker before this package kept a billion).
	zero := tm.Cat([]byte{0, 0, 0, 0, 0, 0}, tm.BE16(0xFFFF))
	for i := 0; i < 0xFFFF; i++ {
		zero = append(zero, byte(i>>8), byte(i), 0, 0, 0xFF, 0xFF)
	}
	if l, err := ParseIloc(zero); err == nil || len(l.Items) > 1 {
		t.Errorf("zero-size extents: %d items read, %v", len(l.Items), err)
	}
}

func TestParseIpma(t *testing.T) {
	a, err := ParseIpma(tm.Cat([]byte{0, 0, 0, 1}, tm.BE32(2), tm.BE16(1), []byte{2}, tm.BE16(0x8001), tm.BE16(2), tm.BE16(2), []byte{1}, tm.BE16(3)))
	if err != nil || !a.Exact || len(a.Items) != 2 || a.Items[0].Props[0] != (Association{true, 1}) || a.Items[1].ID != 2 {
		t.Errorf("ipma: %+v %v", a, err)
	}
	if a, err := ParseIpma(tm.Cat([]byte{1, 0, 0, 0}, tm.BE32(1), tm.BE32(1<<20), []byte{1, 0x83})); err != nil || a.Items[0].ID != 1<<20 || a.Items[0].Props[0] != (Association{true, 3}) {
		t.Errorf("ipma v1: %+v %v", a, err)
	}
}

func TestParseHEIF(t *testing.T) {
	h := tm.HEIFSkeleton()
	f, err := ParseHEIF(h)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, it := range f.Items {
		names = append(names, f.ItemName(it))
	}
	want := "primary item hvc1,thumbnail item,auxiliary item urn:com:apple:photo:2020:aux:depth,Exif item,mime item application/rdf+xml"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("items %s\nwant  %s", got, want)
	}
	if tf := f.ExifTIFF(h); !bytes.HasPrefix(tf, []byte("MM\x00*")) {
		t.Errorf("ExifTIFF = %q", tf)
	}
	xmp := f.Items[4]
	if len(xmp.Extents) != 1 || !bytes.Contains(h[xmp.Extents[0][0]:xmp.Extents[0][1]], []byte(tm.Leaky)) {
		t.Errorf("XMP item extents %v", xmp.Extents)
	}
	if len(f.Items[0].Props) != 1 || f.Items[0].Props[0].Type != "irot" {
		t.Errorf("primary properties %+v", f.Items[0].Props)
	}
	img := tm.HEIFWithImage()
	if g, _ := ParseHEIF(img); g == nil || g.PrimaryICC() == nil {
		t.Error("no primary ICC profile")
	}
	if _, err := ParseHEIF([]byte("\x00\x00\x00\x0cmoov0000")); err == nil {
		t.Error("a file without ftyp parsed")
	}
}

// FuzzParseHEIF: any input gives a model without panic whose extents lie in
// the file, and every box parser reads every box without panic.
func FuzzParseHEIF(f *testing.F) {
	f.Add(tm.HEIFSkeleton())
	f.Add(tm.HEIFWithImage())
	f.Add([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x08mdat"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, _ := ParseHEIF(b)
		if h == nil {
			return
		}
		for _, it := range h.Items {
			for _, e := range it.Extents {
				if e[0] < 0 || e[1] > len(b) || e[0] > e[1] {
					t.Fatalf("item %d extent %v outside the file", it.ID, e)
				}
			}
			h.ItemName(it)
		}
		h.PrimaryICC()
		h.ExifTIFF(b)
		for _, bx := range h.Boxes {
			ParsePitm(bx)
			ParseInfe(bx)
			ParseIinf(b, bx)
			ParseIref(b, bx)
			ParseIloc(bx.Data)
			ParseIpma(bx.Data)
		}
	})
}
