package ifd

import (
	"encoding/binary"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testimg"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // "" for success, else part of the error
	}{
		{"big-endian", "MM\x00\x2a\x00\x00\x00\x08", ""},
		{"little-endian", "II\x2a\x00\x08\x00\x00\x00", ""},
		{"short", "MM\x00\x2a", "truncated"},
		{"byte order", "XX\x00\x2a\x00\x00\x00\x08", "byte order"},
		{"BigTIFF", "II\x2b\x00\x08\x00\x00\x00", "BigTIFF"},
		{"magic", "MM\x00\x2b\x00\x00\x00\x08", "BigTIFF"},
		{"other magic", "MM\x00\x07\x00\x00\x00\x08", "magic number 7"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.in))
		if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Parse = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestIFD(t *testing.T) {
	exif := testimg.EXIF([]testimg.Entry{testimg.ASCII(Artist, "Jane Roe"), testimg.Short(Orientation, 6)},
		[]testimg.Entry{testimg.Rational(ExposureTime, 1, 250)}, []testimg.Entry{testimg.ASCII(GPSLatitudeRef, "N")})
	tf, err := Parse(exif)
	if err != nil {
		t.Fatal(err)
	}
	es, next, err := tf.IFD(tf.First())
	if err != nil || next != 0 || len(es) != 4 {
		t.Fatalf("IFD0: %d entries, next %d, %v", len(es), next, err)
	}
	if e := es[0]; e.Tag != Artist || string(e.Value) != "Jane Roe\x00" || string(exif[e.At:e.At+9]) != "Jane Roe\x00" {
		t.Errorf("Artist entry %+v", e)
	}
	if e := es[1]; tf.Uints(e, 4)[0] != 6 || e.At != 8+2+12+8 {
		t.Errorf("Orientation entry %+v (inline value at %d)", e, e.At)
	}
	ptr, ok := Find(es, ExifIFD)
	if !ok || len(tf.Pointers(ptr)) != 1 {
		t.Fatalf("no Exif IFD pointer")
	}
	sub, _, err := tf.IFD(tf.Pointers(ptr)[0])
	if err != nil || len(sub) != 1 || tf.Floats(sub[0], 1)[0] != 1.0/250 {
		t.Errorf("Exif IFD %+v, %v", sub, err)
	}

	le := testimg.TIFFOrder(binary.LittleEndian, &testimg.IFD{Entries: []testimg.Entry{testimg.Short(Orientation, 3)}, Next: &testimg.IFD{}})
	tl, _ := Parse(le)
	es, next, err = tl.IFD(tl.First())
	if err != nil || len(es) != 1 || tl.Uints(es[0], 1)[0] != 3 || next == 0 {
		t.Errorf("little-endian IFD0: %+v next %d %v", es, next, err)
	}
}

func TestIFDHostile(t *testing.T) {
	head := []byte("MM\x00\x2a\x00\x00\x00\x08")
	entry := func(tag, typ uint16, count, val uint32) []byte {
		e := binary.BigEndian.AppendUint16(nil, tag)
		e = binary.BigEndian.AppendUint16(e, typ)
		e = binary.BigEndian.AppendUint32(e, count)
		return binary.BigEndian.AppendUint32(e, val)
	}
	dir := func(n uint16, es ...[]byte) []byte {
		b := append(append([]byte{}, head...), testimg.BE16(n)...)
		for _, e := range es {
			b = append(b, e...)
		}
		return b
	}
	tests := []struct {
		name    string
		in      []byte
		off     uint32
		entries int
		err     string
		check   func(t *testing.T, es []Entry)
	}{
		{"offset inside the header", dir(0), 4, 0, "outside", nil},
		{"offset past the end", dir(0), 100, 0, "outside", nil},
		{"too many entries", dir(MaxEntries + 1), 8, 0, "claims", nil},
		{"truncated directory keeps what fits", dir(3, entry(Artist, ASCII, 2, 0x41000000), entry(Make, ASCII, 2, 0x42000000)), 8, 2, "truncated", nil},
		{"value outside", append(dir(1, entry(Artist, ASCII, 100, 4000)), 0, 0, 0, 0), 8, 1, "", func(t *testing.T, es []Entry) {
			if es[0].Value != nil || es[0].At != -1 {
				t.Errorf("value outside the structure: %+v", es[0])
			}
		}},
		{"unknown type", append(dir(1, entry(Artist, 99, 1, 0)), 0, 0, 0, 0), 8, 1, "", func(t *testing.T, es []Entry) {
			if es[0].Value != nil {
				t.Errorf("unknown type has a value: %+v", es[0])
			}
		}},
		{"huge count", append(dir(1, entry(Artist, Double, 0xFFFFFFFF, 8)), 0, 0, 0, 0), 8, 1, "", func(t *testing.T, es []Entry) {
			if es[0].Value != nil {
				t.Errorf("huge value read: %+v", es[0])
			}
		}},
		{"empty value", append(dir(1, entry(Artist, ASCII, 0, 0)), 0, 0, 0, 0), 8, 1, "", func(t *testing.T, es []Entry) {
			if es[0].Value == nil || len(es[0].Value) != 0 {
				t.Errorf("count 0: %+v", es[0])
			}
		}},
		{"SHORT pointer is not followed", append(dir(1, entry(ExifIFD, Short, 1, 0x00080000)), 0, 0, 0, 0), 8, 1, "", func(t *testing.T, es []Entry) {
			if p := (&TIFF{Order: binary.BigEndian}).Pointers(es[0]); p != nil {
				t.Errorf("pointers %v", p)
			}
		}},
	}
	for _, tt := range tests {
		tf, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		es, _, err := tf.IFD(tt.off)
		if len(es) != tt.entries || (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %d entries, %v; want %d, %q", tt.name, len(es), err, tt.entries, tt.err)
			continue
		}
		if tt.check != nil {
			tt.check(t, es)
		}
	}
}

func TestHeaderless(t *testing.T) {
	// A MakerNote: an IFD at offset 2, values relative to the note.
	note := append([]byte("XX"), 1, 0)
	note = binary.LittleEndian.AppendUint16(note, 0x0010)
	note = binary.LittleEndian.AppendUint16(note, ASCII)
	note = binary.LittleEndian.AppendUint32(note, 6)
	note = binary.LittleEndian.AppendUint32(note, 20)
	note = append(note, 0, 0, 0, 0)
	note = append(note, "SN123\x00"...)
	tf := Headerless(note, binary.LittleEndian)
	es, _, err := tf.IFD(2)
	if err != nil || len(es) != 1 || string(es[0].Value) != "SN123\x00" {
		t.Fatalf("MakerNote IFD: %+v %v", es, err)
	}
	if tf.First() != 0 {
		t.Errorf("First of a headerless structure = %d", tf.First())
	}
}

func TestStructural(t *testing.T) {
	for tag, want := range map[uint16]bool{
		ImageWidth: true, StripOffsets: true, Orientation: true, PageNumber: true, JPEGInterchangeFormat: true,
		ExifVersion: true, Artist: false, Make: false, GPSIFD: false, MakerNote: false, DateTimeOriginal: false,
	} {
		if Structural(tag) != want {
			t.Errorf("Structural(0x%04X) = %v", tag, !want)
		}
	}
}

// FuzzIFD walks every IFD reachable from a structure, as the inspector
// does: no panic, bounded entries, and every value a sub-slice at its offset.
func FuzzIFD(f *testing.F) {
	f.Add(testimg.EXIF([]testimg.Entry{testimg.ASCII(Artist, "Jane Roe"), testimg.Short(Orientation, 6)},
		[]testimg.Entry{testimg.Rational(ExposureTime, 1, 250)}, []testimg.Entry{testimg.Rational(GPSLatitude, 51, 1, 30, 1, 0, 1)}))
	f.Add(testimg.TIFFOrder(binary.LittleEndian, &testimg.IFD{Entries: []testimg.Entry{testimg.Undefined(MakerNote, make([]byte, 40))},
		Sub: map[uint16]*testimg.IFD{0x014A: {}}, Next: &testimg.IFD{Thumb: []byte{0xFF, 0xD8, 0xFF, 0xD9}}}))
	f.Add([]byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x87\x69\x00\x04\x00\x00\x00\x01\x00\x00\x00\x08\x00\x00\x00\x08"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tf, err := Parse(b)
		if err != nil {
			tf = Headerless(b, binary.BigEndian)
		}
		todo, seen := []uint32{tf.First()}, map[uint32]bool{}
		for len(todo) > 0 && len(seen) < MaxIFDs {
			off := todo[0]
			todo = todo[1:]
			if seen[off] {
				continue
			}
			seen[off] = true
			es, next, _ := tf.IFD(off)
			if len(es) > MaxEntries {
				t.Fatalf("%d entries", len(es))
			}
			for _, e := range es {
				if e.Value != nil && (e.At < 0 || e.At+len(e.Value) > len(b) || len(e.Value) > 0 && &b[e.At] != &e.Value[0]) {
					t.Fatalf("value of tag 0x%04X is not at %d", e.Tag, e.At)
				}
				tf.Uints(e, 16)
				tf.Floats(e, 16)
				todo = append(todo, tf.Pointers(e)...)
			}
			if next != 0 {
				todo = append(todo, next)
			}
		}
	})
}
