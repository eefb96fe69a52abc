package inspect

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/metadata"
)

// Groups of exiftool tags that live inside a MakerNote, which File reports
// as one finding (the cleaner removes it whole) plus a few serial fields.
var corpusMakerNoteGroups = map[string]bool{
	"Canon": true, "CanonCustom": true, "Nikon": true, "NikonCustom": true, "Olympus": true, "Pentax": true,
	"Motorola": true, "Apple": true, "Minolta": true, "FujiFilm": true, "Casio": true, "Ricoh": true,
	"Panasonic": true, "Kodak": true, "Sanyo": true, "Sigma": true, "Reconyx": true, "MakerUnknown": true,
	"Sony": true, "GE": true, "JVC": true, "KodakBordersIFD": true, "KodakEffectsIFD": true, "MetaIFD": true,
	"PreviewIFD": true,
}

// Groups of exiftool tags read from vendor APPn segments.
var corpusVendorGroups = map[string]bool{
	"CIFF": true, "Qualcomm": true, "InfiRay": true, "GoPro": true, "FLIR": true, "SPIFF": true, "NITF": true,
	"JPEG-HDR": true, "RMETA": true, "MediaJukebox": true, "AVI1": true, "GraphConv": true, "AdobeCM": true,
	"FotoStation": true, "FlashPix": true, "Ducky": true, "PictureInfo": true,
}

// Exif tag names whose exiftool name differs from the field File names.
var corpusAliases = map[string]string{
	"GPSLatitude": "GPS position", "GPSLatitudeRef": "GPS position", "GPSLongitude": "GPS position", "GPSLongitudeRef": "GPS position",
	"GPSAltitude": "GPS altitude", "GPSAltitudeRef": "GPS altitude", "GPSTimeStamp": "GPS date/time (UTC)", "GPSDateStamp": "GPS date/time (UTC)",
	"GPSDestLatitude": "GPS destination", "GPSDestLatitudeRef": "GPS destination", "GPSDestLongitude": "GPS destination", "GPSDestLongitudeRef": "GPS destination",
	"ModifyDate": "Modify date", "ModelTransform": "GeoTIFF model transform",
}

// XMP property names whose exiftool name differs.
var corpusXMPAliases = map[string]string{
	"XMPToolkit": "xmptk", "ExifImageWidth": "PixelXDimension", "ExifImageHeight": "PixelYDimension",
	"ImageHeight": "ImageLength", "ISO": "ISOSpeedRatings", "ExposureCompensation": "ExposureBiasValue",
	"ColorTemperature": "Temperature",
}

var corpusNonAlnum = regexp.MustCompile(`[^a-z0-9]`)

func corpusNorm(s string) string { return corpusNonAlnum.ReplaceAllString(strings.ToLower(s), "") }

// corpusCovered decides whether an identifying-fields.tsv LEAK row is reported
// by a finding in a sensible place.
func corpusCovered(field string, fs []metadata.Finding) bool {
	group, tag, ok := strings.Cut(field, ":")
	if strings.Contains(field, "after JPEG EOI") || strings.HasPrefix(field, "embedded ISO-BMFF") {
		ok = false
	}
	any := func(pred func(f metadata.Finding) bool) bool {
		for _, f := range fs {
			if pred(f) {
				return true
			}
		}
		return false
	}
	whereHas := func(s ...string) bool {
		return any(func(f metadata.Finding) bool {
			for _, x := range s {
				if strings.Contains(f.Where, x) {
					return true
				}
			}
			return false
		})
	}
	fieldIs := func(name string, where ...string) bool {
		n := corpusNorm(name)
		return any(func(f metadata.Finding) bool {
			if corpusNorm(f.Field) != n && !strings.HasPrefix(corpusNorm(f.Field), n) {
				return false
			}
			if len(where) == 0 {
				return true
			}
			for _, w := range where {
				if strings.Contains(f.Where, w) {
					return true
				}
			}
			return false
		})
	}
	if !ok {
		// Structural rows from leakcheck's byte walk.
		switch {
		case strings.Contains(field, "after JPEG EOI"):
			return whereHas("after end of image")
		case strings.HasPrefix(field, "embedded ISO-BMFF"):
			return any(func(f metadata.Finding) bool {
				return f.Category == metadata.Trailers && strings.Contains(f.Value, "video")
			})
		case field == "XMP packet bytes present":
			return whereHas("XMP")
		case field == "Photoshop IRB bytes present":
			return whereHas("Photoshop", "IPTC")
		case field == "JPEG COM segment":
			return whereHas("COM")
		case strings.HasPrefix(field, "JPEG APP"):
			app := strings.Fields(field)[1]
			alts := map[string][]string{
				"APP0": {"JFXX", "JFIF", "JPEG APP0"}, "APP1": {"EXIF", "XMP", "JPEG APP1"}, "APP2": {"ICC", "MPF", "JPEG APP2"},
				"APP11": {"JUMBF", "JPEG APP11"}, "APP13": {"Photoshop", "IPTC", "JPEG APP13"},
			}[app]
			return whereHas(append(alts, "JPEG "+app)...)
		case strings.HasPrefix(field, "PNG ") && strings.HasSuffix(field, " chunk"):
			return whereHas(strings.TrimSuffix(field, " chunk"))
		case strings.HasPrefix(field, "WebP "):
			return whereHas(strings.TrimSpace(strings.TrimSuffix(field, " chunk")))
		case field == "GIF comment extension":
			return whereHas("GIF comment")
		case field == "GIF application extension":
			return whereHas("GIF XMP", "GIF ICC", "GIF Photoshop", "GIF IPTC", "GIF application")
		}
		return false
	}
	if a, ok := corpusAliases[tag]; ok && (strings.HasSuffix(group, "IFD") || group == "GPS" || group == "IFD0") {
		tag = a
	}
	if a, ok := corpusXMPAliases[tag]; ok && strings.HasPrefix(group, "XMP") {
		tag = a
	}
	switch {
	case corpusMakerNoteGroups[group]:
		// Some vendors (Casio QVCI) write the same fields into an APPn segment.
		return fieldIs("MakerNote") || whereHas("JPEG APP")
	case corpusVendorGroups[group]:
		// FotoStation appends its data after the end of the image.
		return any(func(f metadata.Finding) bool {
			return strings.HasPrefix(f.Where, "JPEG APP") || strings.Contains(f.Field, group) || f.Where == "after end of image"
		})
	case group == "IFD1":
		return whereHas("IFD1")
	case group == "IFD0" || group == "ExifIFD" || group == "GPS" || group == "InteropIFD" || strings.HasPrefix(group, "SubIFD"):
		return fieldIs(tag, "EXIF", "TIFF", "eXIf", "MPF image")
	case group == "PrintIM":
		// PrintIM sits in IFD0, inside a MakerNote or in an APP6 "EPPIM" segment.
		return fieldIs("PrintIM") || fieldIs("MakerNote") || whereHas("JPEG APP6")
	case strings.HasPrefix(group, "XMP-"):
		n := corpusNorm(tag)
		return any(func(f metadata.Finding) bool {
			if !strings.Contains(f.Where, "XMP") {
				return false
			}
			// Fields are "prefix:Name" or "Description (prefix:Name)".
			fld := f.Field
			if i := strings.LastIndex(fld, "("); i >= 0 {
				fld = strings.TrimSuffix(fld[i+1:], ")")
			}
			_, prop, _ := strings.Cut(fld, ":")
			p := strings.TrimSuffix(corpusNorm(prop), "s")
			return p != "" && (strings.HasPrefix(n, p) || corpusNorm(f.Field) == n)
		})
	case group == "IPTC" || group == "IPTC2" || group == "PhotoMechanic":
		return fieldIs(tag, "IPTC") || (group == "PhotoMechanic" && whereHas("IPTC"))
	case group == "Photoshop":
		return whereHas("Photoshop")
	case group == "ICC_Profile":
		return any(func(f metadata.Finding) bool { return strings.Contains(f.Field, "ICC profile") })
	case group == "MPF0" || strings.HasPrefix(group, "MPImage"):
		return whereHas("MPF")
	case group == "JUMBF" || group == "JSON":
		return whereHas("JUMBF")
	case group == "JFXX":
		return whereHas("JFXX")
	case group == "Samsung":
		return whereHas("Samsung", "after end of image")
	case group == "GeoTiff":
		return any(func(f metadata.Finding) bool { return strings.Contains(f.Field, "GeoTIFF") })
	case group == "PNG":
		switch tag {
		case "ModifyDate":
			return fieldIs("Last modified", "PNG tIME")
		case "PNGWarning":
			return whereHas("PNG")
		}
		return fieldIs(tag, "PNG")
	case group == "File":
		switch tag {
		case "Comment":
			return any(func(f metadata.Finding) bool { return strings.Contains(f.Field, "Comment") })
		case "CurrentIPTCDigest":
			return whereHas("IPTC")
		case "EmbeddedVideo":
			return any(func(f metadata.Finding) bool {
				return f.Category == metadata.Trailers && strings.Contains(f.Value, "video")
			})
		case "PreviewImage":
			return any(func(f metadata.Finding) bool { return f.Category == metadata.HiddenImages })
		}
	}
	return false
}

// TestInspectCorpus inspects every file of the shared corpus (no panic, no
// error on a readable image) and checks that the LEAK rows of
// identifying-fields.tsv are reported.
func TestInspectCorpus(t *testing.T) {
	root, files := testenv.Shared(t, "fixtures/metadata"), testenv.Files(t, "fixtures/metadata")
	reports := map[string]*metadata.Report{}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, p)
		r, err := File(b)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		reports[filepath.ToSlash(rel)] = r
		for _, fd := range r.Findings {
			// A recovered panic in an extractor: a bug even though File survived it.
			if strings.HasPrefix(fd.Value, "parser failed") {
				t.Errorf("%s: %s: %s %s", rel, fd.Where, fd.Field, fd.Value)
			}
		}
	}
	f, err := os.Open(filepath.Join(root, "identifying-fields.tsv"))
	if err != nil {
		t.Skipf("identifying-fields.tsv not present: %v", err)
	}
	defer f.Close()
	var rows, found, byteLevel int
	missed := map[string][]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 3 || cols[1] != "LEAK" {
			continue
		}
		switch {
		case cols[2] == "planted-marker bytes" || cols[2] == "raw bytes match --grep" || cols[2] == "exiftool warning" ||
			strings.HasPrefix(cols[2], "JPEG structure broken") || strings.HasPrefix(cols[2], "JPEG has no EOI"):
			byteLevel++ // about the bytes, not a field: nothing to name
			continue
		}
		rows++
		r := reports[cols[0]]
		if r != nil && corpusCovered(cols[2], r.Findings) {
			found++
			continue
		}
		missed[cols[0]] = append(missed[cols[0]], cols[2])
	}
	t.Logf("identifying-fields.tsv: %d/%d LEAK rows reported (%.1f%%); %d byte-level rows not counted", found, rows, 100*float64(found)/float64(rows), byteLevel)
	var names []string
	for n := range missed {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("  %s: missed %s", n, strings.Join(missed[n], ", "))
	}
	// The floor sits just under the measured coverage, so a regression fails.
	if rows > 0 && float64(found) < 0.995*float64(rows) {
		t.Errorf("only %d/%d LEAK rows reported", found, rows)
	}
}
