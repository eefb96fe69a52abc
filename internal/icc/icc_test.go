package icc

import (
	"encoding/binary"
	"reflect"
	"testing"

	"codeberg.org/veil/veil/internal/testimg"
)

func TestParse(t *testing.T) {
	p := testimg.ICC("sRGB IEC61966-2.1", "Copyright (c) 1998 Hewlett-Packard Company", "rXYZ")
	pr, err := Parse(p)
	if err != nil {
		t.Fatal(err)
	}
	if int(pr.Size) != len(p) || pr.Class != "mntr" || pr.Year != 2024 || pr.Month != 5 || pr.Day != 6 || pr.Count != 4 || len(pr.Tags) != 4 {
		t.Fatalf("profile %+v", pr)
	}
	var sigs []string
	for _, tg := range pr.Tags {
		sigs = append(sigs, tg.Sig)
	}
	if !reflect.DeepEqual(sigs, []string{"desc", "cprt", "wtpt", "rXYZ"}) {
		t.Errorf("tags %v", sigs)
	}
	desc, _ := pr.Find("desc")
	if s, ok := Texts(desc.Data); !ok || !reflect.DeepEqual(s, []string{"sRGB IEC61966-2.1"}) || Text(desc.Data) != "sRGB IEC61966-2.1" {
		t.Errorf("desc texts %q %v", s, ok)
	}
	cprt, _ := pr.Find("cprt")
	if Text(cprt.Data) != "Copyright (c) 1998 Hewlett-Packard Company" {
		t.Errorf("cprt %q", Text(cprt.Data))
	}
	if _, err := Parse(p[:100]); err == nil {
		t.Error("a truncated header parsed")
	}
}

func TestHostileTable(t *testing.T) {
	p := testimg.ICC("x", "y")
	binary.BigEndian.PutUint32(p[128:], 1<<30) // claims a billion tags
	binary.BigEndian.PutUint32(p[132+12+4:], 1<<31)
	pr, err := Parse(p)
	if err != nil || pr.Count != 1<<30 || len(pr.Tags) != (len(p)-132)/12 || pr.Tags[1].Data != nil {
		t.Fatalf("profile %+v, %v", pr, err)
	}
}

func TestTexts(t *testing.T) {
	mluc := func(recs ...string) []byte {
		d := append([]byte("mluc\x00\x00\x00\x00"), testimg.BE32(uint32(len(recs)))...)
		d = append(d, testimg.BE32(12)...)
		off := 16 + 12*len(recs)
		var body []byte
		for _, r := range recs {
			d = append(d, "enUS"...)
			d = append(d, testimg.BE32(uint32(2*len([]rune(r))))...)
			d = append(d, testimg.BE32(uint32(off+len(body)))...)
			for _, c := range r {
				body = binary.BigEndian.AppendUint16(body, uint16(c))
			}
		}
		return append(d, body...)
	}
	descWithUnicode := func(ascii, uni string) []byte {
		d := append([]byte("desc\x00\x00\x00\x00"), testimg.BE32(uint32(len(ascii)+1))...)
		d = append(append(d, ascii...), 0)
		d = append(d, 0, 0, 0, 0)
		d = append(d, testimg.BE32(uint32(len(uni)))...)
		for _, c := range uni {
			d = binary.BigEndian.AppendUint16(d, uint16(c))
		}
		return append(d, make([]byte, 70)...)
	}
	for _, tt := range []struct {
		name  string
		in    []byte
		want  []string
		ok    bool
		first string
	}{
		{"mluc", mluc("Display P3", "Écran P3"), []string{"Display P3", "Écran P3"}, true, "Display P3"},
		{"text", []byte("text\x00\x00\x00\x00Public Domain\x00"), []string{"Public Domain"}, true, "Public Domain"},
		{"desc repeated in Unicode", descWithUnicode("sRGB", "sRGB"), []string{"sRGB"}, true, "sRGB"},
		{"desc hiding a name in Unicode", descWithUnicode("sRGB", "Jane"), nil, false, "sRGB"},
		{"mluc past the end", mluc("Display P3")[:30], nil, false, ""},
		{"unknown type", []byte("XYZ \x00\x00\x00\x00\x00\x00\x00\x00"), nil, false, ""},
		{"short", []byte("desc"), nil, false, ""},
	} {
		got, ok := Texts(tt.in)
		if ok != tt.ok || !reflect.DeepEqual(got, tt.want) || Text(tt.in) != tt.first {
			t.Errorf("%s: Texts = %q %v, Text = %q", tt.name, got, ok, Text(tt.in))
		}
	}
}

// FuzzProfile: any bytes parse without panic into tags inside the profile,
// and every tag's text decodes without panic.
func FuzzProfile(f *testing.F) {
	f.Add(testimg.ICC("sRGB", "Copyright Google Inc., 2016"))
	f.Add(testimg.ICC("Jane's display", "", "vcgt", "mmod"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pr, err := Parse(b)
		if err != nil {
			return
		}
		if len(pr.Tags) > MaxTags {
			t.Fatalf("%d tags", len(pr.Tags))
		}
		for _, tg := range pr.Tags {
			if tg.Data != nil && tg.Offset+int64(len(tg.Data)) > int64(len(b)) {
				t.Fatalf("tag %q outside the profile", tg.Sig)
			}
			Texts(tg.Data)
			Text(tg.Data)
		}
	})
}
