package inspect

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// trimText renders text bytes (trailing NULs removed).
func trimText(b []byte) string {
	return strings.TrimSpace(string(bytes.TrimRight(b, "\x00")))
}

// printableRuns returns up to max printable runs of at least minLen bytes from
// the start of b, joined, for describing unknown blobs.
func printableRuns(b []byte, minLen, max int) string {
	var out []string
	b = b[:min(len(b), 4096)]
	start := -1
	for i := 0; i <= len(b) && len(out) < max; i++ {
		ok := i < len(b) && b[i] >= 0x20 && b[i] < 0x7F
		if ok && start < 0 {
			start = i
		}
		if !ok && start >= 0 {
			if i-start >= minLen {
				out = append(out, string(b[start:min(i, start+80)]))
			}
			start = -1
		}
	}
	return strings.Join(out, " | ")
}

// asciiText reads a NUL-terminated (or padded) string.
func asciiText(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		// Several NUL-separated strings are legal in TIFF ASCII values.
		parts := bytes.Split(bytes.TrimRight(b, "\x00"), []byte{0})
		var s []string
		for _, p := range parts {
			if q := strings.TrimSpace(string(p)); q != "" {
				s = append(s, q)
			}
		}
		return strings.Join(s, "; ")
	}
	return strings.TrimSpace(string(b))
}

// looksText reports whether b is mostly printable (after trailing NULs).
func looksText(b []byte) bool {
	b = bytes.TrimRight(b, "\x00 ")
	if len(b) == 0 {
		return false
	}
	bad := 0
	for _, c := range b {
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F {
			bad++
		}
	}
	return bad*20 < len(b)
}

// utf16Text decodes UTF-16 with the given byte order, to the first NUL.
func utf16Text(b []byte, bo binary.ByteOrder) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := bo.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return strings.TrimSpace(string(utf16.Decode(u)))
}

func isPrintable(s string) bool {
	for _, r := range s {
		if r < 0x20 || (r >= 0xD800 && r < 0xE000) || r == 0xFFFD {
			return false
		}
	}
	return true
}

// cleanText makes s safe and short for a terminal: invalid UTF-8 is read as
// Latin-1, control characters (which could drive the terminal) become spaces
// or \xNN, and long values are cut.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		r := make([]rune, 0, len(s))
		for i := 0; i < len(s); i++ {
			r = append(r, rune(s[i]))
		}
		s = string(r)
	}
	var sb strings.Builder
	n := 0
	space := false
	for _, c := range s {
		if n >= maxValue {
			sb.WriteString("…")
			break
		}
		switch {
		case c == '\n' || c == '\r' || c == '\t' || c == 0:
			if !space && sb.Len() > 0 {
				sb.WriteByte(' ')
				space = true
				n++
			}
			continue
		case c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069):
			fmt.Fprintf(&sb, "\\x%02x", c&0xFF)
		default:
			sb.WriteRune(c)
		}
		space = c == ' '
		n++
	}
	return strings.TrimSpace(sb.String())
}

// errText is an error as a short phrase.
func errText(err error) string {
	var e error = err
	for errors.Unwrap(e) != nil && len(e.Error()) > 120 {
		e = errors.Unwrap(e)
	}
	return e.Error()
}

// sizeText renders a byte count for people.
func sizeText(n int) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 10<<10:
		return fmt.Sprintf("%d KB", n>>10)
	case n == 1:
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}
