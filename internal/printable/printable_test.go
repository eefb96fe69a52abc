package printable

import "testing"

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"ftyp": "ftyp", "VP8 ": "VP8 ", "a\x00b\n": "a?b?", "\x7f\xff": "??", "NETSCAPE2.0": "NETSCAPE2.0", "é": "??",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}
