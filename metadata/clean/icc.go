package clean

import (
	"regexp"

	"codeberg.org/veil/veil/internal/icc"
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

// standardICC reports whether p is a stock colour profile that identifies
// nobody: its description names a well-known colour space, all its text is
// the standard text of such profiles, and it holds only colour tags. The
// second result is the profile's description, for messages.
func standardICC(p []byte) (bool, string) {
	if len(p) > maxICC {
		return false, ""
	}
	pr, err := icc.Parse(p)
	if err != nil || int(pr.Size) != len(p) || pr.Count == 0 || pr.Count > 100 || len(pr.Tags) != pr.Count {
		return false, ""
	}
	var desc string
	var hasDesc bool
	for _, t := range pr.Tags {
		if t.Data == nil || t.Size < 8 || !iccColourTags[t.Sig] {
			return false, desc
		}
		if !iccTextTags[t.Sig] {
			continue
		}
		texts, ok := icc.Texts(t.Data)
		if !ok {
			return false, desc
		}
		for i, s := range texts {
			if t.Sig == "desc" || t.Sig == "dscm" {
				if t.Sig == "desc" && desc == "" {
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
