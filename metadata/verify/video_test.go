package verify_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"testing"

	"codeberg.org/veil/veil/internal/mp4/mp4test"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/clean"
	"codeberg.org/veil/veil/metadata/verify"
)

// cleanMovie returns the cleaner's output for a phone movie, which the
// tests below tamper with. (This external test package may use the
// cleaner; the verifier package itself never does.)
func cleanMovie(t *testing.T) []byte {
	t.Helper()
	src := mp4test.Build(mp4test.Phone())
	var out bytes.Buffer
	if _, err := clean.CleanVideoTo(context.Background(), bytes.NewReader(src), int64(len(src)), &out, nil); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func verifyBytes(b []byte) error {
	return verify.Video(context.Background(), bytes.NewReader(b), int64(len(b)), metadata.Options{})
}

// boxAt returns the offset of the first box of type typ (its size field).
func boxAt(t *testing.T, b []byte, typ string) int {
	i := bytes.Index(b, []byte(typ))
	if i < 4 {
		t.Fatalf("no %q box", typ)
	}
	return i - 4
}

func TestVerifyVideoAcceptsCleanCopy(t *testing.T) {
	if err := verifyBytes(cleanMovie(t)); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyVideoRejects(t *testing.T) {
	cases := map[string]func(t *testing.T, b []byte) []byte{
		"date in mvhd": func(t *testing.T, b []byte) []byte {
			b[boxAt(t, b, "mvhd")+12+3] = 1
			return b
		},
		"date in tkhd": func(t *testing.T, b []byte) []byte {
			b[boxAt(t, b, "tkhd")+16+3] = 1
			return b
		},
		"date in mdhd": func(t *testing.T, b []byte) []byte {
			b[boxAt(t, b, "mdhd")+12] = 1
			return b
		},
		"handler name": func(t *testing.T, b []byte) []byte {
			i := boxAt(t, b, "hdlr")
			n := binary.BigEndian.Uint32(b[i:])
			b[i+int(n)-1] = 'x'
			return b
		},
		"encoder name": func(t *testing.T, b []byte) []byte {
			b[boxAt(t, b, "avc1")+8+43] = 'X'
			return b
		},
		"box outside the list": func(t *testing.T, b []byte) []byte {
			i := boxAt(t, b, "smhd")
			copy(b[i+4:], "udta")
			return b
		},
		"a timed-metadata track": func(t *testing.T, b []byte) []byte {
			i := boxAt(t, b, "hdlr")
			copy(b[i+16:], "meta")
			return b
		},
		"a data reference elsewhere": func(t *testing.T, b []byte) []byte {
			i := boxAt(t, b, "url ")
			b[i+11] = 0
			return b
		},
		"SEI in a sample": func(t *testing.T, b []byte) []byte {
			i := bytes.Index(b, []byte{0, 0, 0, 6, 0x65, 0x88})
			b[i+4] = 0x06
			return b
		},
		"unreferenced bytes in mdat": func(t *testing.T, b []byte) []byte {
			i := boxAt(t, b, "mdat")
			binary.BigEndian.PutUint32(b[i:], binary.BigEndian.Uint32(b[i:])+6)
			return append(b, "SECRET"...)
		},
		"a trailing box": func(t *testing.T, b []byte) []byte {
			return append(b, mp4test.Box("free", []byte("note"))...)
		},
		"truncated": func(t *testing.T, b []byte) []byte { return b[:len(b)-3] },
		"sample sizes that lie": func(t *testing.T, b []byte) []byte {
			i := boxAt(t, b, "stsz")
			b[i+20+3]++
			return b
		},
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			b := tamper(t, cleanMovie(t))
			err := verifyBytes(b)
			if err == nil || !errors.Is(err, metadata.ErrNotClean) {
				t.Fatalf("got %v, want ErrNotClean", err)
			}
		})
	}
}

// FuzzVerifyVideo feeds the verifier arbitrary movies: it must return,
// never panic (Video recovers; verifyVideo is reached through it).
func FuzzVerifyVideo(f *testing.F) {
	src := mp4test.Build(mp4test.Phone())
	var out bytes.Buffer
	if _, err := clean.CleanVideoTo(context.Background(), bytes.NewReader(src), int64(len(src)), &out, nil); err == nil {
		f.Add(out.Bytes())
	}
	f.Add(src)
	f.Fuzz(func(t *testing.T, b []byte) {
		verify.VerifyVideoNoRecover(context.Background(), bytes.NewReader(b), int64(len(b)))
	})
}
