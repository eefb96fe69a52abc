package inspect

import (
	"fmt"
	"sort"
	"strings"

	"codeberg.org/veil/veil/internal/icc"
	"codeberg.org/veil/veil/metadata"
)

// iccParts gathers the chunks of a JPEG ICC profile, which may span segments.
type iccParts struct {
	where string
	parts map[int][]byte
	total int
}

// iccChunk records one APP2 ICC_PROFILE payload (identifier, sequence number,
// count, data).
func (in *inspector) iccChunk(p []byte, where string) {
	p = p[len("ICC_PROFILE\x00"):]
	if len(p) < 2 {
		in.add(metadata.Other, metadata.Medium, where, "Damaged ICC profile", "chunk header missing")
		return
	}
	if in.icc == nil {
		in.icc = map[string]*iccParts{}
	}
	// Profiles in secondary images are kept apart by where.
	c := in.icc[where]
	if c == nil {
		c = &iccParts{where: where, parts: map[int][]byte{}}
		in.icc[where] = c
	}
	if len(c.parts) < 256 {
		c.parts[int(p[0])] = p[2:]
		c.total += len(p) - 2
	}
}

func (in *inspector) finishICC() {
	wheres := make([]string, 0, len(in.icc))
	for w := range in.icc {
		wheres = append(wheres, w)
	}
	sort.Strings(wheres)
	for _, w := range wheres {
		c := in.icc[w]
		seqs := make([]int, 0, len(c.parts))
		for s := range c.parts {
			seqs = append(seqs, s)
		}
		sort.Ints(seqs)
		buf := make([]byte, 0, c.total)
		for _, s := range seqs {
			buf = append(buf, c.parts[s]...)
		}
		in.iccProfile(buf, w)
	}
	in.icc = nil
}

// stockICCFragments are description fragments of stock colour profiles that say
// nothing about their owner.
var stockICCFragments = []string{
	"srgb", "display p3", "adobe rgb", "prophoto", "romm", "generic gray", "gray gamma", "dot gain", "swop",
	"fogra", "gracol", "japan color", "japan web", "rec2020", "rec. 2020", "rec.2020", "rec709", "rec. 709", "bt.2020",
	"bt.709", "itu-r", "dci-p3", "dci(p3)", "p3 d65", "linear", "generic rgb", "generic cmyk", "generic lab", "generic xyz",
	"apple rgb", "colormatch", "ecirgb", "wide gamut", "coated", "uncoated", "newsprint", "iso coated", "psoseccoated", "pso ",
	"camera rgb", "gamma 1.8", "gamma 2.2", "sgray", "gray", "kodak", "hp ", "cie rgb", "bestrgb", "beta rgb", "don rgb",
	"ntsc", "pal/secam", "smpte", "ekta space", "acescg", "aces", "scrgb", "iec61966", "apple wide color", "c2", "uncalibrated",
}

// iccProfile describes an ICC profile: standard profiles are harmless; any
// other (a calibrated display, a printer, a profile named after a person or a
// computer) is reported as identifying.
func (in *inspector) iccProfile(b []byte, where string) {
	in.guard(where, "ICC profile", func() {
		pr, err := icc.Parse(b)
		if err != nil {
			in.add(metadata.Device, metadata.Medium, where, "ICC profile", fmt.Sprintf("%s, unreadable (not a valid profile)", sizeText(len(b))))
			return
		}
		text := func(sig string) string {
			t, _ := pr.Find(sig)
			return icc.Text(t.Data)
		}
		desc := text("desc")
		class := pr.Class
		var extra []string
		for _, sig := range []string{"dmnd", "dmdd", "cprt"} {
			if s := text(sig); s != "" {
				extra = append(extra, s)
			}
		}
		if desc == "" {
			desc = "(no description)"
		}
		if isStockICC(desc) {
			in.add(metadata.Other, metadata.Low, where, "ICC profile", fmt.Sprintf("%s (standard colour profile, %s)", desc, sizeText(len(b))))
			return
		}
		v := fmt.Sprintf("%q", desc)
		switch class {
		case "mntr":
			v += " (display profile"
		case "prtr":
			v += " (printer profile"
		case "scnr":
			v += " (camera or scanner profile"
		default:
			v += " (custom profile"
		}
		y, mo, d := pr.Year, pr.Month, pr.Day
		if y > 1900 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 {
			v += fmt.Sprintf(", created %04d-%02d-%02d", y, mo, d)
		}
		v += "; may name a person or a computer)"
		if len(extra) > 0 {
			v += " " + strings.Join(extra, "; ")
		}
		sev := metadata.Medium
		if class == "mntr" {
			sev = metadata.High
		}
		in.add(metadata.Device, sev, where, "Personal ICC profile", v)
	})
}

func isStockICC(desc string) bool {
	d := strings.ToLower(desc)
	for _, s := range stockICCFragments {
		if strings.Contains(d, s) || (len(s) <= 2 && d == s) {
			return true
		}
	}
	return false
}
