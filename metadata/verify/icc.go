package verify

import (
	"strings"

	"codeberg.org/veil/veil/internal/icc"
)

// The verifier's own judgement of colour profiles. It is written apart from
// the cleaner's on purpose, as sets rather than patterns: a profile passes
// when its description is one of the stock names below, all its other text
// is a stock name, a stock notice or a copyright line of a stock publisher,
// and it holds colour tags only.

// maxICC bounds the profiles judged (stock CMYK profiles are ~600 kB).
const maxICC = 4 << 20

// stockNames are the descriptions of widely used stock colour profiles.
var stockNames = map[string]bool{
	"sRGB": true, "sRGB IEC61966-2.1": true, "sRGB IEC61966-2-1": true, "sRGB built-in": true,
	"sRGB IEC61966-2-1 black scaled": true, "sRGB v4 ICC preference perceptual intent beta": true,
	"Display P3": true, "Display P3 Gamut with sRGB Transfer": true, "Adobe RGB (1998)": true,
	"Generic RGB Profile": true, "Generic Gray Profile": true, "Generic Gray Gamma 2.2 Profile": true,
	"Apple RGB": true, "ProPhoto RGB": true, "ROMM RGB": true, "Dot Gain 20%": true,
	"U.S. Web Coated (SWOP) v2": true, "Coated FOGRA39 (ISO 12647-2:2004)": true,
	"Coated FOGRA27 (ISO 12647-2:2004)": true, "c2": true, "GIMP built-in sRGB": true,
	"GIMP built-in Linear sRGB": true, "Linear sRGB": true, "Rec. 2020": true, "Rec.2020": true,
	"ITU-R BT.2020": true, "BT.2020": true, "DCI-P3": true, "DCI-P3 D65": true,
	"DCI-P3 D65 Gamut with sRGB Transfer": true,
}

// stockNotices are the other whole texts stock profiles carry.
var stockNotices = map[string]bool{
	"": true, "No copyright, use freely": true, "Public Domain": true, "CC0": true, "Google": true,
	"IEC http://www.iec.ch":                         true,
	"IEC 61966-2.1 Default RGB colour space - sRGB": true, "IEC 61966-2-1 Default RGB colour space - sRGB": true,
	"IEC 61966-2.1 Default RGB color space - sRGB": true, "IEC 61966-2-1 Default RGB color space - sRGB": true,
	"Reference Viewing Condition in IEC61966-2.1": true, "Reference Viewing Condition in IEC 61966-2.1": true,
	"Reference Viewing Condition in IEC61966-2-1": true, "Reference Viewing Condition in IEC 61966-2-1": true,
}

// stockPublishers publish stock profiles; longer names first, so that
// "Adobe Systems Incorporated" is not read as "Adobe Systems Inc".
var stockPublishers = []string{
	"International Color Consortium", "Meta Platforms, Inc", "Adobe Systems, Incorporated",
	"Adobe Systems Incorporated", "Apple Computer, Inc", "Hewlett-Packard Company", "Eastman Kodak Company",
	"Microsoft Corporation", "Meta Platforms Inc", "Apple Computer Inc", "Adobe Systems, Inc",
	"Adobe Systems Inc", "Artifex Software", "Facebook, Inc", "Facebook Inc", "Apple, Inc", "Google, Inc",
	"Apple Inc", "Google Inc", "Google LLC", "Kodak", "FB",
}

// stockColourTags are the tags a stock profile is made of; anything else
// (calibration curves such as vcgt, device make and model such as mmod,
// vendor data) makes a profile personal.
var stockColourTags = map[string]bool{
	"desc": true, "dscm": true, "cprt": true, "wtpt": true, "bkpt": true, "rXYZ": true, "gXYZ": true,
	"bXYZ": true, "rTRC": true, "gTRC": true, "bTRC": true, "kTRC": true, "chad": true, "chrm": true,
	"lumi": true, "meas": true, "tech": true, "view": true, "vued": true, "dmnd": true, "dmdd": true,
	"A2B0": true, "A2B1": true, "A2B2": true, "B2A0": true, "B2A1": true, "B2A2": true, "gamt": true,
	"pre0": true, "pre1": true, "pre2": true, "clro": true, "clrt": true, "clot": true, "cicp": true,
	"rig0": true, "ciis": true, "aarg": true, "aagg": true, "aabg": true, "bfd ": true, "crdi": true,
	"devs": true, "ncl2": true, "resp": true,
}

// stockTextTags are the tags whose text is judged.
var stockTextTags = map[string]bool{"desc": true, "dscm": true, "cprt": true, "dmnd": true, "dmdd": true, "vued": true}

// stockICC reports whether p is a stock colour profile that identifies
// nobody, and returns its description for messages.
func stockICC(p []byte) (bool, string) {
	if len(p) > maxICC {
		return false, ""
	}
	pr, err := icc.Parse(p)
	if err != nil || int(pr.Size) != len(p) || pr.Count < 1 || pr.Count > 100 || len(pr.Tags) != pr.Count {
		return false, ""
	}
	desc, described := "", false
	for _, t := range pr.Tags {
		if t.Data == nil || t.Size < 8 || !stockColourTags[t.Sig] {
			return false, desc
		}
		if !stockTextTags[t.Sig] {
			continue
		}
		texts, ok := icc.Texts(t.Data)
		if !ok {
			return false, desc
		}
		for i, s := range texts {
			switch {
			case t.Sig == "desc" || t.Sig == "dscm":
				if t.Sig == "desc" && desc == "" {
					desc = s
				}
				described = true
				// The first description must be a stock name; localised
				// ones follow (Apple's dscm lists a dozen languages).
				if i == 0 && !stockNames[s] || len(s) > 64 {
					return false, desc
				}
			case !stockNames[s] && !stockNotices[s] && !copyrightLine(s):
				return false, desc
			}
		}
	}
	return described, desc
}

// copyrightLine reports whether s is a stock publisher's copyright line:
// "Copyright", "(c)" or "©" (or none), years, the publisher, years, and
// "all rights reserved" (or none), in any mix of spaces, commas and full
// stops.
func copyrightLine(s string) bool {
	for _, mark := range []string{"Copyright", "(c)", "©"} {
		if strings.HasPrefix(s, mark) {
			s = s[len(mark):]
			break
		}
	}
	s = strings.TrimLeft(s, " ,()c©0123456789")
	for _, p := range stockPublishers {
		if !strings.HasPrefix(s, p) {
			continue
		}
		rest := strings.TrimLeft(s[len(p):], " ,.0123456789")
		rest = strings.TrimSuffix(strings.TrimSuffix(rest, "."), "all rights reserved")
		if rest == "" {
			return true
		}
	}
	return false
}
