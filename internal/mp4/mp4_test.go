package mp4

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"testing"

	"codeberg.org/veil/veil/internal/mp4/mp4test"
)

func readSmall(p string) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil || st.Size() > 4<<20 {
		return nil, errors.New("too large for a seed")
	}
	return os.ReadFile(p)
}

func TestOpenPhoneMovie(t *testing.T) {
	m := mp4test.Phone()
	b := mp4test.Build(m)
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if !f.QuickTime || len(f.Tracks) != 3 {
		t.Fatalf("QuickTime %v, %d tracks", f.QuickTime, len(f.Tracks))
	}
	want := []string{"vide", "soun", "meta"}
	for i, tr := range f.Tracks {
		if tr.Handler != want[i] {
			t.Errorf("track %d handler %q, want %q", i, tr.Handler, want[i])
		}
		s, err := tr.Samples(int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for i := uint32(0); i < s.Count; i++ {
			n += int64(s.Size(i))
		}
		if n != s.Bytes() {
			t.Errorf("track %d: sizes add to %d, chunks to %d", i, n, s.Bytes())
		}
	}
	if r := f.Tracks[0].Rotation(); r != 90 {
		t.Errorf("rotation %d", r)
	}
	if w, h := f.Tracks[0].Size(); w != 64 || h != 48 {
		t.Errorf("size %dx%d", w, h)
	}
}

func TestOpenErrors(t *testing.T) {
	frag := mp4test.Phone()
	frag.Fragmented = true
	b := mp4test.Build(mp4test.Phone())
	cases := map[string]struct {
		data []byte
		want error
	}{
		"fragmented":  {mp4test.Build(frag), ErrFragmented},
		"not a movie": {[]byte("this is plain text, not a movie"), ErrNotMovie},
		"cut short":   {b[:len(b)-10], ErrDamaged},
		"only ftyp":   {mp4test.Box("ftyp", []byte("isom\x00\x00\x00\x00")), ErrNoMovie},
	}
	for name, c := range cases {
		if _, err := Open(bytes.NewReader(c.data), int64(len(c.data))); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", name, err, c.want)
		}
	}
}

func TestHeaderTime(t *testing.T) {
	v0 := make([]byte, 20)
	binary.BigEndian.PutUint32(v0[12:], 600)
	binary.BigEndian.PutUint32(v0[16:], 1800)
	v1 := make([]byte, 32)
	v1[0] = 1
	binary.BigEndian.PutUint32(v1[20:], 90000)
	binary.BigEndian.PutUint64(v1[24:], 1<<33)
	for _, c := range []struct {
		p     []byte
		scale uint32
		dur   uint64
	}{{v0, 600, 1800}, {v1, 90000, 1 << 33}, {v0[:19], 0, 0}, {nil, 0, 0}} {
		if s, d := HeaderTime(c.p); s != c.scale || d != c.dur {
			t.Errorf("HeaderTime(% x) = %d, %d; want %d, %d", c.p, s, d, c.scale, c.dur)
		}
	}
}
