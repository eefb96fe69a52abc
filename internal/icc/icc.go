// Package icc reads ICC colour profiles (ICC.1:2010, section 7): the header,
// the tag table, and the strings of the text elements (textType 'text',
// textDescriptionType 'desc' of ICC v2, multiLocalizedUnicodeType 'mluc' of
// v4). Whether a profile is harmless is a policy question for its callers.
//
// Profiles are hostile: the tag table is bounded, every tag's extent is
// checked against the profile, and text lengths against their element.
package icc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"unicode/utf16"
)

// MaxTags bounds the tag table entries read.
const MaxTags = 256

// headerSize is the size of the fixed header; the tag count follows it.
const headerSize = 128

// Profile is the header and tag table of a profile.
type Profile struct {
	Size             uint32 // the profile size the header claims
	Class            string // device class: "mntr", "prtr", "scnr", "spac", ...
	Year, Month, Day int    // creation date as stored (not validated)
	Count            int    // the number of tags the table claims
	// Tags are the table's entries that lie inside the profile, in table
	// order, at most MaxTags.
	Tags []Tag
}

// Tag is one tag table entry.
type Tag struct {
	Sig          string
	Offset, Size int64
	// Data is the tag's element, or nil when it lies outside the profile.
	Data []byte
}

// Parse reads the header and tag table of the profile p.
func Parse(p []byte) (*Profile, error) {
	if len(p) < headerSize+4 || string(p[36:40]) != "acsp" {
		return nil, errors.New("not an ICC profile")
	}
	be := binary.BigEndian
	pr := &Profile{
		Size:  be.Uint32(p),
		Class: string(p[12:16]),
		Year:  int(be.Uint16(p[24:])), Month: int(be.Uint16(p[26:])), Day: int(be.Uint16(p[28:])),
		Count: int(be.Uint32(p[headerSize:])),
	}
	pr.Tags = make([]Tag, 0, max(0, min(pr.Count, MaxTags, (len(p)-headerSize-4)/12)))
	for i := 0; i < pr.Count && i < MaxTags && headerSize+4+12*i+12 <= len(p); i++ {
		e := p[headerSize+4+12*i:]
		t := Tag{Sig: string(e[:4]), Offset: int64(be.Uint32(e[4:])), Size: int64(be.Uint32(e[8:]))}
		if t.Offset+t.Size <= int64(len(p)) {
			t.Data = p[t.Offset : t.Offset+t.Size]
		}
		pr.Tags = append(pr.Tags, t)
	}
	return pr, nil
}

// Find returns the first tag with signature sig.
func (pr *Profile) Find(sig string) (Tag, bool) {
	for _, t := range pr.Tags {
		if t.Sig == sig {
			return t, true
		}
	}
	return Tag{}, false
}

// maxRecords bounds the records of an mluc element.
const maxRecords = 64

// Texts decodes a text element into all of its strings, strictly: false
// for another type or for any length that runs outside the element. For a
// 'desc' element, the Unicode and ScriptCode parts that follow the ASCII
// text (which every reader we know of ignores, and where a hidden name
// could sit) must be empty or repeat the ASCII text.
func Texts(d []byte) ([]string, bool) {
	if len(d) < 8 {
		return nil, false
	}
	switch string(d[:4]) {
	case "text":
		return []string{clean(string(d[8:]))}, true
	case "desc":
		return descTexts(d)
	case "mluc":
		if len(d) < 16 {
			return nil, false
		}
		n := int64(binary.BigEndian.Uint32(d[8:]))
		rs := int64(binary.BigEndian.Uint32(d[12:]))
		if n > maxRecords || rs < 12 || 16+n*rs > int64(len(d)) {
			return nil, false
		}
		var out []string
		for k := int64(0); k < n; k++ {
			r := d[16+k*rs:]
			l, o := int64(binary.BigEndian.Uint32(r[4:])), int64(binary.BigEndian.Uint32(r[8:]))
			if o+l > int64(len(d)) {
				return nil, false
			}
			out = append(out, clean(utf16BE(d[o:o+l])))
		}
		return out, true
	}
	return nil, false
}

// descTexts decodes a textDescriptionType element (ICC v2).
func descTexts(d []byte) ([]string, bool) {
	if len(d) < 12 {
		return nil, false
	}
	n := int64(binary.BigEndian.Uint32(d[8:]))
	if 12+n > int64(len(d)) {
		return nil, false
	}
	ascii := clean(string(d[12 : 12+n]))
	rest := d[12+n:]
	if len(rest) >= 8 {
		un := int64(binary.BigEndian.Uint32(rest[4:]))
		if un > 0 {
			if 8+2*un > int64(len(rest)) {
				return nil, false
			}
			if clean(utf16BE(rest[8:8+2*un])) != ascii {
				return nil, false
			}
			rest = rest[8+2*un:]
		} else {
			rest = rest[8:]
		}
		// ScriptCode: code (2), count (1), 67 bytes; must hold no text.
		if len(rest) >= 3 && rest[2] != 0 && len(bytes.Trim(rest[3:], "\x00")) > 0 {
			return nil, false
		}
	}
	return []string{ascii}, true
}

// Text returns the first string of a text element, leniently: the ASCII
// part of 'desc', the first record of 'mluc', all of 'text'; "" when there
// is none or it does not fit.
func Text(d []byte) string {
	if len(d) < 12 {
		return ""
	}
	switch string(d[:4]) {
	case "desc":
		cnt := int64(binary.BigEndian.Uint32(d[8:]))
		if 12+cnt <= int64(len(d)) {
			return strings.TrimSpace(string(bytes.TrimRight(d[12:12+cnt], "\x00")))
		}
	case "text":
		return strings.TrimSpace(string(bytes.TrimRight(d[8:], "\x00")))
	case "mluc":
		if len(d) < 28 {
			return ""
		}
		l, o := int64(binary.BigEndian.Uint32(d[20:])), int64(binary.BigEndian.Uint32(d[24:]))
		if o+l <= int64(len(d)) {
			return utf16Text(d[o : o+l])
		}
	}
	return ""
}

// clean trims NUL padding and spaces.
func clean(s string) string { return strings.TrimSpace(strings.TrimRight(s, "\x00")) }

// utf16BE decodes big-endian UTF-16.
func utf16BE(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// utf16Text decodes big-endian UTF-16 up to the first NUL, trimmed.
func utf16Text(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.BigEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return strings.TrimSpace(string(utf16.Decode(u)))
}
