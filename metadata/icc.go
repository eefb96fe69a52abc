package metadata

import (
	"bytes"
	"encoding/binary"
	"regexp"
	"strings"
	"unicode/utf16"
)

// standardICCNames are the descriptions of widely used stock colour profiles.
// A profile whose description is not here (a display calibration such as
// "Color LCD", or anything naming a person) is dropped.
var standardICCNames = regexp.MustCompile(`^(sRGB IEC61966-2[.-]1|sRGB|sRGB built-in|sRGB IEC61966-2-1 black scaled|sRGB v4 ICC preference perceptual intent beta|Display P3|Adobe RGB \(1998\)|Generic RGB Profile|Generic Gray Profile|Generic Gray Gamma 2\.2 Profile|Apple RGB|ProPhoto RGB|ROMM RGB|Dot Gain 20%|U\.S\. Web Coated \(SWOP\) v2|Coated FOGRA39 \(ISO 12647-2:2004\)|Coated FOGRA27 \(ISO 12647-2:2004\)|c2|GIMP built-in sRGB|GIMP built-in Linear sRGB|Linear sRGB|Rec\. ?2020|ITU-R BT\.2020|BT\.2020|DCI-P3|DCI-P3 D65|DCI-P3 D65 Gamut with sRGB Transfer|Display P3 Gamut with sRGB Transfer)$`)

// standardICCText matches the other text a stock profile carries: copyright
// lines of the organisations that publish stock profiles, and the IEC and
// viewing-condition strings of the sRGB profile.
var standardICCText = regexp.MustCompile(`^((Copyright|\(c\)|©)?[ ,(c)©0-9]*(Hewlett-Packard Company|Apple,? Inc\.?|Apple Computer,? Inc\.?|Adobe Systems,? Inc(orporated|\.)?|Google,? Inc\.?|Google LLC|International Color Consortium|Eastman Kodak Company|Kodak|Microsoft Corporation|Facebook,? Inc\.?|Meta Platforms,? Inc\.?|FB|Artifex Software)[ ,.0-9]*(all rights reserved\.?)?|No copyright, use freely|Public Domain|CC0|IEC http://www\.iec\.ch|IEC 61966-2[.-]1 Default RGB colou?r space - sRGB|Reference Viewing Condition in IEC ?61966-2[.-]1|Apple Computer Inc\.|Apple Inc\.|Adobe Systems Inc\.|Google|)$`)

// iccColourTags are the tag signatures a stock profile is made of. Anything
// else (vendor data, calibration curves such as vcgt, device make and model
// such as Apple's mmod, metadata dictionaries) makes a profile non-standard.
var iccColourTags = map[string]bool{
	"desc": true, "dscm": true, "cprt": true, "wtpt": true, "bkpt": true, "rXYZ": true, "gXYZ": true, "bXYZ": true,
	"rTRC": true, "gTRC": true, "bTRC": true, "kTRC": true, "chad": true, "chrm": true, "lumi": true, "meas": true,
	"tech": true, "view": true, "vued": true, "dmnd": true, "dmdd": true, "A2B0": true, "A2B1": true, "A2B2": true,
	"B2A0": true, "B2A1": true, "B2A2": true, "gamt": true, "pre0": true, "pre1": true, "pre2": true, "clro": true,
	"clrt": true, "clot": true, "cicp": true, "rig0": true, "ciis": true, "aarg": true, "aagg": true, "aabg": true,
	"bfd ": true, "crdi": true, "devs": true, "ncl2": true, "resp": true,
}

// iccTextTags are the tags whose text must be standard.
var iccTextTags = map[string]bool{"desc": true, "dscm": true, "cprt": true, "dmnd": true, "dmdd": true, "vued": true}

// maxICC bounds the profiles Veil judges (stock CMYK profiles are ~600 kB).
const maxICC = 4 << 20

// StandardICC reports whether p is a stock colour profile that identifies
// nobody: its description names a well-known colour space, all its text is
// the standard text of such profiles, and it holds only colour tags. The
// second result is the profile's description, for messages.
func StandardICC(p []byte) (bool, string) {
	if len(p) < 132 || len(p) > maxICC || string(p[36:40]) != "acsp" {
		return false, ""
	}
	if int(binary.BigEndian.Uint32(p)) != len(p) {
		return false, ""
	}
	n := int(binary.BigEndian.Uint32(p[128:]))
	if n == 0 || n > 100 || 132+12*n > len(p) {
		return false, ""
	}
	var desc string
	var hasDesc bool
	for k := 0; k < n; k++ {
		e := p[132+12*k:]
		sig := string(e[:4])
		off, size := int64(binary.BigEndian.Uint32(e[4:])), int64(binary.BigEndian.Uint32(e[8:]))
		if off+size > int64(len(p)) || size < 8 {
			return false, desc
		}
		if !iccColourTags[sig] {
			return false, desc
		}
		if !iccTextTags[sig] {
			continue
		}
		texts, ok := iccTexts(p[off : off+size])
		if !ok {
			return false, desc
		}
		for i, s := range texts {
			if sig == "desc" || sig == "dscm" {
				if sig == "desc" && desc == "" {
					desc = s
				}
				hasDesc = true
				// Localised descriptions (Apple's dscm lists a dozen
				// languages) follow the first, which must be standard.
				if (i == 0 && !standardICCNames.MatchString(s)) || len(s) > 64 {
					return false, desc
				}
			} else if !standardICCNames.MatchString(s) && !standardICCText.MatchString(s) {
				return false, desc
			}
		}
	}
	return hasDesc, desc
}

// iccTexts decodes a textDescriptionType ('desc', ICC v2), multiLocalized
// UnicodeType ('mluc', v4) or textType ('text') element into its strings.
func iccTexts(d []byte) ([]string, bool) {
	clean := func(s string) string { return strings.TrimSpace(strings.TrimRight(s, "\x00")) }
	switch string(d[:4]) {
	case "text":
		return []string{clean(string(d[8:]))}, true
	case "desc":
		if len(d) < 12 {
			return nil, false
		}
		n := int64(binary.BigEndian.Uint32(d[8:]))
		if 12+n > int64(len(d)) {
			return nil, false
		}
		// The Unicode and ScriptCode parts that follow are ignored by every
		// reader we know of, but a hidden name could sit there: they must
		// be empty or repeat the ASCII text.
		ascii := clean(string(d[12 : 12+n]))
		rest := d[12+n:]
		if len(rest) >= 8 {
			un := int64(binary.BigEndian.Uint32(rest[4:]))
			if un > 0 {
				if 8+2*un > int64(len(rest)) {
					return nil, false
				}
				u := decodeUTF16(rest[8 : 8+2*un])
				if clean(u) != ascii {
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
	case "mluc":
		if len(d) < 16 {
			return nil, false
		}
		n := int64(binary.BigEndian.Uint32(d[8:]))
		rs := int64(binary.BigEndian.Uint32(d[12:]))
		if n > 64 || rs < 12 || 16+n*rs > int64(len(d)) {
			return nil, false
		}
		var out []string
		for k := int64(0); k < n; k++ {
			r := d[16+k*rs:]
			l, o := int64(binary.BigEndian.Uint32(r[4:])), int64(binary.BigEndian.Uint32(r[8:]))
			if o+l > int64(len(d)) {
				return nil, false
			}
			out = append(out, clean(decodeUTF16(d[o:o+l])))
		}
		return out, true
	}
	return nil, false
}

func decodeUTF16(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}
