package app

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/internal/testimg"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/clean"
	"codeberg.org/veil/veil/metadata/inspect"
)

// findingsFile reads one findings file (e.g. "findings.zh_Hans") as key → text.
func findingsFile(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := translations.ReadFile("translations/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	m := map[string]string{}
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) != nil {
			// A key the translation library reserves is written as {"other": ...}.
			var o struct{ Other string }
			if err := json.Unmarshal(v, &o); err != nil || o.Other == "" {
				t.Fatalf("%s.json: %q is neither a text nor {\"other\": text}", name, k)
			}
			s = o.Other
		}
		m[k] = s
	}
	return m
}

// TestFindingsFilesMatch checks that the Chinese and Spanish findings files
// say everything the English catalogues list, with the same format verbs,
// and nothing they do not; and that a key in both catalogues reads the same
// in both (Fyne keeps one translation per key, so the second would win).
func TestFindingsFilesMatch(t *testing.T) {
	seen := map[string]map[string]string{} // file suffix → key → text
	for _, c := range []struct {
		prefix string
		least  int
	}{{"findings", 300}, {"findings.values", 50}} {
		en := findingsFile(t, c.prefix+".en")
		if len(en) < c.least {
			t.Fatalf("%s.en.json lists only %d labels", c.prefix, len(en))
		}
		for _, name := range []string{"en", "zh_Hans", "es"} {
			file := c.prefix + "." + name
			tr := findingsFile(t, file)
			if seen[name] == nil {
				seen[name] = map[string]string{}
			}
			for k, v := range tr {
				if w, ok := seen[name][k]; ok && w != v {
					t.Errorf("%s.json: %q is %q here and %q in the other catalogue", file, k, v, w)
				}
				seen[name][k] = v
				if _, ok := en[k]; !ok {
					t.Errorf("%s.json: %q is not in %s.en.json", file, k, c.prefix)
				}
			}
			if name == "en" {
				continue
			}
			for k := range en {
				v, ok := tr[k]
				switch {
				case !ok:
					t.Errorf("%s.json has no translation for %q", file, k)
				case strings.Join(verb.FindAllString(k, -1), " ") != strings.Join(verb.FindAllString(v, -1), " "):
					t.Errorf("%s.json: %q has verbs %v, its translation %v", file, k, verb.FindAllString(k, -1), verb.FindAllString(v, -1))
				case v == k && name == "zh_Hans":
					t.Errorf("%s.json: %q is not translated", file, k)
				}
			}
		}
	}
}

// TestFindingsShownInChinese loads the translations as the app does and
// reads the panel's words back under a Chinese and a Spanish locale: the
// files must load (the library rejects a whole file for one bad key) and
// their prefix must not hide them.
func TestFindingsShownInChinese(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the language follows LANG only on Unix; on Windows it is the user's display language, which a test cannot change")
	}
	reset := func() {
		// Pick the language again from the restored environment.
		if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(reset) // registered first, so it runs after the environment is restored
	tests := []struct {
		locale          string
		field, removed  string
		wantF, wantR    string
		severity, wantS string
		value, wantV    string
	}{
		{"zh_CN.UTF-8", "GPS position", "EXIF serial number (2)", "拍摄地点（GPS 坐标）", "EXIF 中的序列号 (2)", "high", "高", "12.5 m above sea level", "海拔 12.5 米"},
		{"es_ES.UTF-8", "Description", "3913 bytes after end of image", "Descripción", "3913 bytes de datos tras el final de la imagen", "medium", "medio", "(empty)", "(vacío)"},
		{"es_ES.UTF-8", "User comment", "comment", "Comentario del usuario", "Comentario", "low", "bajo", "Software", "Software"},
		{"zh_CN.UTF-8", "MakerNote", "comment", "相机厂商的私有数据", "备注", "medium", "中", "Nikon, 3298 bytes of camera-private data (may hold serial numbers, owner name, face data)", "Nikon，3298 字节的相机私有数据（可能包含序列号、所有者姓名、人脸数据）"},
		{"es_ES.UTF-8", "Flash", "comment", "Flash", "Comentario", "low", "bajo", "did not fire", "no se disparó"},
		{"es_ES.UTF-8", "dc:weird", "vendor segment APP9", "dc:weird", "Segmento del fabricante APP9", "low", "bajo", "2 regions, no names", "2 zonas, sin nombres"},
		{"en_GB.UTF-8", "dc:creator", "EXIF serial number", "Author", "EXIF serial number", "high", "high", "(empty)", "(empty)"},
	}
	for _, tt := range tests {
		for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
			t.Setenv(k, "")
		}
		t.Setenv("LANG", tt.locale)
		if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
			t.Fatal(err)
		}
		sev := map[string]metadata.Severity{"high": metadata.High, "medium": metadata.Medium, "low": metadata.Low}[tt.severity]
		if got := fieldName(tt.field); got != tt.wantF {
			t.Errorf("%s: fieldName(%q) = %q, want %q", tt.locale, tt.field, got, tt.wantF)
		}
		if got := removedPhrase(tt.removed); got != tt.wantR {
			t.Errorf("%s: removedPhrase(%q) = %q, want %q", tt.locale, tt.removed, got, tt.wantR)
		}
		if got := severityName(sev); got != tt.wantS {
			t.Errorf("%s: severityName(%v) = %q, want %q", tt.locale, sev, got, tt.wantS)
		}
		if got := valueText(tt.value); got != tt.wantV {
			t.Errorf("%s: valueText(%q) = %q, want %q", tt.locale, tt.value, got, tt.wantV)
		}
	}
}

// Source patterns for the labels the engine writes: tag tables, literal
// fields, removal phrases.
var (
	srcTag = regexp.MustCompile(`\{"([^"]+)", (?:metadata\.)?(?:Location|People|Device|Time|Software|HiddenImages|Trailers|Other), (?:metadata\.)?(?:Low|Medium|High)\}`)
	// srcClass: tables that put the category and severity first ({Location,
	// High, "GPS position"}).
	srcClass   = regexp.MustCompile(`\{(?:metadata\.)?(?:Location|People|Device|Time|Software|HiddenImages|Trailers|Other), (?:metadata\.)?(?:Low|Medium|High), "([^"]+)"\}`)
	srcField   = regexp.MustCompile(`\.add\([\w.]+, [\w.]+, (?:\w+\([^()]*\)|[^,"()]+), "([^"]*)"((?: ?\+ ?(?:[\w.]+(?:\([\w.()]*\))?|"[^"]*"))*)`)
	srcRemoved = regexp.MustCompile(`(?:rm\.add\(|append\(removed, |return |iccDropped = )"([^"]*)"((?: ?\+ ?(?:[\w.]+(?:\([\w.()]*\))?|"[^"]*"))*)`)
	// srcPart is one part joined on after a label's first literal: a
	// literal or a variable part.
	srcPart = regexp.MustCompile(`"([^"]*)"|[\w.]+(?:\([\w.()]*\))?`)
)

// engineLabels gathers, from the inspector's and the cleaner's source, every
// field name and removal phrase written as a literal. A literal joined with a
// variable part ("duplicate " + name + " segment") gets a sample in its place.
func engineLabels(t *testing.T) (fields, removed []string) {
	inspector, _ := filepath.Glob("../metadata/inspect/*.go")
	cleaner, _ := filepath.Glob("../metadata/clean/*.go")
	for _, f := range append(inspector, cleaner...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for _, m := range srcTag.FindAllStringSubmatch(s, -1) {
			fields = append(fields, m[1])
		}
		for _, m := range srcClass.FindAllStringSubmatch(s, -1) {
			fields = append(fields, m[1])
		}
		for _, m := range srcField.FindAllStringSubmatch(s, -1) {
			fields = append(fields, completeLabel(m))
		}
		// Only the cleaner's returns are removal phrases; the inspector's
		// return block names.
		if !strings.Contains(filepath.ToSlash(f), "/clean/") {
			continue
		}
		for _, m := range srcRemoved.FindAllStringSubmatch(s, -1) {
			if m[1] == "" {
				continue // itemPhrase's "not a removal"
			}
			removed = append(removed, completeLabel(m))
		}
	}
	if len(fields) < 250 || len(removed) < 40 {
		t.Fatalf("found only %d fields and %d removal phrases in ../metadata/{inspect,clean}; the scan is broken", len(fields), len(removed))
	}
	return fields, removed
}

// completeLabel joins a label's literal parts, with a sample in place of
// each variable part: "Track (" + kind + " " + format + ")" becomes
// "Track (APP9 APP9)".
func completeLabel(m []string) string {
	label := m[1]
	for _, p := range srcPart.FindAllStringSubmatch(m[2], -1) {
		if strings.HasPrefix(p[0], `"`) {
			label += p[1]
		} else {
			label += "APP9"
		}
	}
	return label
}

// TestFindingLabelsTranslated fails when the engine can write a field name
// or removal phrase that the findings files do not say in Chinese and
// Spanish: the labels in the metadata source, and those Inspect and Clean
// write for photos built here and for the shared fixtures.
func TestFindingLabelsTranslated(t *testing.T) {
	known := func(s string) bool {
		_, ok := labels().translate(s, 2)
		return ok
	}
	knownRemoved := func(s string) bool {
		if m := countSuffix.FindStringSubmatch(s); m != nil && !known(s) {
			s = m[1]
		}
		return known(s)
	}
	fields, removed := engineLabels(t)
	for _, f := range fields {
		if !known(f) {
			t.Errorf("field %q (metadata source) has no translation", f)
		}
	}
	for _, r := range removed {
		if !knownRemoved(r) {
			t.Errorf("removal %q (metadata source) has no translation", r)
		}
	}
	for _, s := range []string{"high", "medium", "low"} {
		if !known(s) {
			t.Errorf("severity %q has no translation", s)
		}
	}

	check := func(t *testing.T, name string, b []byte) {
		rep, err := inspect.File(b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		for _, f := range rep.Findings {
			if !known(f.Field) && !chosenByFile(f) {
				t.Errorf("%s: field %q (at %s) has no translation", name, f.Field, f.Where)
			}
			if _, ok := valueLabels().translate(f.Value, 1); !ok && wordedValue[f.Field] {
				t.Errorf("%s: %s value %q has no translation", name, f.Field, f.Value)
			}
		}
		res, err := clean.File(b, metadata.Options{Mode: metadata.All})
		if err != nil {
			return // the panel shows the error, not a list
		}
		for _, r := range res.Removed {
			if !knownRemoved(r) {
				t.Errorf("%s: removal %q has no translation", name, r)
			}
		}
	}
	t.Run("built", func(t *testing.T) {
		for name, b := range map[string][]byte{"camera.jpg": cameraJPEG(t), "text.png": textPNG(t)} {
			rep, err := inspect.File(b)
			if err != nil || len(rep.Findings) < 6 {
				t.Fatalf("%s: the built photo reveals too little (%v)", name, err)
			}
			check(t, name, b)
		}
	})
	t.Run("fixtures", func(t *testing.T) {
		dir := testenv.Shared(t, "fixtures/metadata")
		n := 0
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".tsv") {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			n++
			check(t, strings.TrimPrefix(p, dir+"/"), b)
			return nil
		})
		if err != nil || n == 0 {
			t.Fatalf("read %d fixtures: %v", n, err)
		}
	})
}

// wordedValue are the fields whose value the engine always writes in its
// own words around the data, so a value that no longer matches its
// template means the engine's wording changed.
var wordedValue = map[string]bool{
	"GPS altitude": true, "EXIF thumbnail": true, "Thumbnail": true, "MakerNote": true,
	"Secondary image": true, "Animation frames": true, "EXIF thumbnail directory": true, "Auxiliary image": true,
}

// xmpKey is an XMP property or an ImageMagick "exif:"/"date:" keyword.
var xmpKey = regexp.MustCompile(`^[\w.-]+:[\w.:-]+$`)

// chosenByFile reports whether a finding's name came from the file rather
// than from the engine: an XMP property, a PNG keyword, a C2PA JSON key, a
// Samsung trailer record. Those stay as written (unless common enough to be
// in the catalogue).
func chosenByFile(f metadata.Finding) bool {
	return xmpKey.MatchString(f.Field) ||
		strings.Contains(f.Where, "PNG tEXt") || strings.Contains(f.Where, "PNG zTXt") || strings.Contains(f.Where, "PNG iTXt") ||
		strings.Contains(f.Where, "C2PA") || strings.HasSuffix(f.Where, "(Samsung)")
}

// cameraJPEG is a small JPEG carrying what a phone photo does: EXIF camera,
// owner, serial and GPS fields, XMP with a creator, a place and face names,
// a comment and bytes after the end of the image.
func cameraJPEG(t *testing.T) []byte {
	var img bytes.Buffer
	if err := jpeg.Encode(&img, image.NewGray(image.Rect(0, 0, 16, 16)), nil); err != nil {
		t.Fatal(err)
	}
	exif := testimg.TIFFOrder(binary.LittleEndian, &testimg.IFD{Entries: []testimg.Entry{
		testimg.ASCII(0x010F, "PhoneMaker"), testimg.ASCII(0x0110, "Phone 12"), testimg.ASCII(0x0131, "Editor 2.1"),
		testimg.ASCII(0x0132, "2024:05:01 10:11:12"), testimg.ASCII(0x013B, "Jane Doe"), testimg.ASCII(0x8298, "(c) Jane Doe"),
	}, Sub: map[uint16]*testimg.IFD{
		0x8769: {Entries: []testimg.Entry{
			testimg.ASCII(0x9003, "2024:05:01 10:11:12"), testimg.ASCII(0x9011, "+02:00"), testimg.ASCII(0xA430, "Jane Doe"),
			testimg.ASCII(0xA431, "SN-123456"), testimg.ASCII(0xA434, "Wide 4mm"), testimg.ASCII(0xA435, "LS-99"),
		}},
		0x8825: {Entries: []testimg.Entry{
			testimg.ASCII(0x0001, "N"), testimg.Rational(0x0002, 51, 1, 30, 1, 0, 1), testimg.ASCII(0x0003, "W"), testimg.Rational(0x0004, 0, 1, 7, 1, 0, 1),
			testimg.Bytes(0x0005, 0), testimg.Rational(0x0006, 35, 1), testimg.Rational(0x0011, 90, 1),
		}},
	}})
	xmp := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" ` +
		`xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" ` +
		`photoshop:City="Leeds" exif:GPSLatitude="51,30.0N" xmp:CreatorTool="Editor 2.1">` +
		`<dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator>` +
		`<mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag><rdf:li rdf:parseType="Resource"><mwg-rs:Name>Sam</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type></rdf:li></rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>` +
		`</rdf:Description></rdf:RDF></x:xmpmeta>`
	var out bytes.Buffer
	out.Write(img.Bytes()[:2])
	out.Write(testimg.ExifAPP1(exif))
	out.Write(testimg.XMPAPP1(xmp))
	out.Write(testimg.Seg(0xFE, []byte("for Sam")))
	out.Write(img.Bytes()[2:])
	out.WriteString("trailing notes")
	return out.Bytes()
}

// textPNG is a small PNG with the text chunks image editors and AI tools
// write, a modification time and bytes after its end.
func textPNG(t *testing.T) []byte {
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 16, 16))); err != nil {
		t.Fatal(err)
	}
	b := img.Bytes()
	iend := len(b) - 12
	var out bytes.Buffer
	out.Write(b[:iend])
	for _, kv := range [][2]string{{"Author", "Jane Doe"}, {"Comment", "for Sam"}, {"Software", "Editor 2.1"}, {"parameters", "a prompt"}} {
		out.Write(testimg.Chunk("tEXt", []byte(kv[0]+"\x00"+kv[1])))
	}
	out.Write(testimg.Chunk("tIME", []byte{0x07, 0xE8, 5, 1, 10, 11, 12}))
	out.Write(b[iend:])
	out.WriteString("trailing notes")
	return out.Bytes()
}
