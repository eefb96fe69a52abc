package clean

import (
	"bytes"
	"errors"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/bmff"
	"codeberg.org/veil/veil/internal/testimg"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/inspect"
	"codeberg.org/veil/veil/metadata/verify"
	"codeberg.org/veil/veil/photo"
)

// corpusHEIFs lists the shared corpus's HEIF and AVIF files.
func corpusHEIFs(t *testing.T) []string {
	var out []string
	for _, p := range corpusFiles(t) {
		if b, err := os.ReadFile(p); err == nil && photo.Sniff(b) == photo.HEIF {
			out = append(out, p)
		}
	}
	return out
}

// TestRewriteHEIFCorpus: every corpus HEIF is rebuilt losslessly in both
// modes; the output verifies, drops XMP and thumbnails, keeps an Exif item
// only in LocationOnly mode and then with the camera and date fields but no
// location, and (without -short) decodes to the same pixels as the original.
func TestRewriteHEIFCorpus(t *testing.T) {
	for _, p := range corpusHEIFs(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			in, _ := os.ReadFile(p)
			before, err := inspect.File(in)
			if err != nil {
				t.Fatalf("Inspect(original): %v", err)
			}
			var want image.Image
			if !testing.Short() {
				if want, _, err = photo.Decode(in); err != nil {
					t.Logf("original does not decode (%v): pixels not compared", err)
				}
			}
			for _, m := range []metadata.Mode{metadata.All, metadata.LocationOnly} {
				opt := metadata.Options{Mode: m}
				res, err := File(in, opt)
				if err != nil {
					t.Fatalf("mode %d: File: %v", m, err)
				}
				if res.Format != photo.HEIF || !res.Lossless {
					t.Fatalf("mode %d: not rebuilt losslessly: %s lossless=%v removed %q", m, res.Format, res.Lossless, res.Removed)
				}
				if err := verify.File(res.Data, opt); err != nil {
					t.Fatalf("mode %d: Verify: %v", m, err)
				}
				hf, err := bmff.ParseHEIF(res.Data)
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range hf.Items {
					if name := hf.ItemName(it); (name == "Exif item" && m == metadata.All) || strings.HasPrefix(name, "mime item") || name == "thumbnail item" {
						t.Errorf("mode %d: output keeps %s", m, name)
					}
				}
				after, err := inspect.File(res.Data)
				if err != nil {
					t.Fatalf("mode %d: Inspect(output): %v", m, err)
				}
				checkLocationOnlyKept(t, m, before.Findings, after.Findings)
				t.Logf("mode %d: %d -> %d bytes; removed %q", m, len(in), len(res.Data), res.Removed)
				if want == nil {
					continue
				}
				got, _, err := photo.Decode(res.Data)
				if err != nil {
					t.Fatalf("mode %d: output does not decode: %v", m, err)
				}
				a, b := photo.ToNRGBA(want), photo.ToNRGBA(got)
				if a.Rect != b.Rect || !bytes.Equal(a.Pix, b.Pix) {
					t.Errorf("mode %d: pixels differ: %v vs %v", m, a.Rect, b.Rect)
				}
			}
		})
	}
}

// checkLocationOnlyKept checks an output's findings against the original's:
// no location ever; in LocationOnly mode the camera make and model and the
// original date (without its time zone) survive, in All mode none does.
func checkLocationOnlyKept(t *testing.T, m metadata.Mode, before, after []metadata.Finding) {
	t.Helper()
	fields := func(fs []metadata.Finding) map[string]string {
		out := map[string]string{}
		for _, f := range fs {
			if f.Category == metadata.Location {
				out["location"] = f.Where + " " + f.Field
			}
			if f.Field == "Make" || f.Field == "Model" || f.Field == "Date/time original" {
				out[f.Field] = f.Value
				if f.Field == "Date/time original" {
					out[f.Field] = f.Value[:min(len(f.Value), len("2006-01-02 15:04:05"))] // the time zone goes
				}
			}
		}
		return out
	}
	was, is := fields(before), fields(after)
	if l, ok := is["location"]; ok {
		t.Errorf("mode %d: output still shows a location (%s)", m, l)
	}
	for _, f := range []string{"Make", "Model", "Date/time original"} {
		want := ""
		if m == metadata.LocationOnly {
			want = was[f]
		}
		if is[f] != want {
			t.Errorf("mode %d: %s is %q after cleaning, want %q", m, f, is[f], want)
		}
	}
}

// TestRewriteHEIFExiftool: exiftool reads each output as a valid HEIF of the
// same image size and finds no identifying tag groups; in LocationOnly mode
// it reads the kept Exif item (camera make and model as in the original) and
// still no GPS.
func TestRewriteHEIFExiftool(t *testing.T) {
	if testing.Short() {
		t.Skip("exiftool runs are slow")
	}
	if _, err := exec.LookPath("exiftool"); err != nil {
		t.Skip("exiftool not installed")
	}
	tests := []struct {
		mode metadata.Mode
		bad  []string // tag groups the output must not show
		same []string // tags the output must show as the original does
	}{
		{metadata.All, []string{"[EXIF]", "[IFD0]", "[ExifIFD]", "[GPS]", "[XMP", "[Apple]", "[IPTC]", "Warning"}, []string{"ImageSize"}},
		{metadata.LocationOnly, []string{"[GPS]", "[XMP", "[Apple]", "[IPTC]", "[IFD1]", "Warning"}, []string{"ImageSize", "Make", "Model", "DateTimeOriginal"}},
	}
	for _, p := range corpusHEIFs(t) {
		in, _ := os.ReadFile(p)
		for _, tt := range tests {
			res, err := File(in, metadata.Options{Mode: tt.mode})
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			out := filepath.Join(t.TempDir(), "out.heic")
			os.WriteFile(out, res.Data, 0o600)
			for _, tag := range tt.same {
				get := func(f string) string {
					b, _ := exec.Command("exiftool", "-s3", "-"+tag, f).Output()
					return strings.TrimSpace(string(b))
				}
				if a, b := get(p), get(out); a != b {
					t.Errorf("mode %d: %s: exiftool %s %q, output %q", tt.mode, filepath.Base(p), tag, a, b)
				}
			}
			all, _ := exec.Command("exiftool", "-a", "-G1", "-s", out).Output()
			for _, l := range strings.Split(string(all), "\n") {
				for _, bad := range tt.bad {
					if strings.HasPrefix(l, bad) {
						t.Errorf("mode %d: %s: exiftool still reads %q", tt.mode, filepath.Base(p), l)
					}
				}
			}
		}
	}
}

// TestRewriteHEIFBuilt: the built fixture (Exif, XMP, a thumbnail and a
// depth map around one coded image) keeps only the image and its irot.
func TestRewriteHEIFBuilt(t *testing.T) {
	h := testimg.HEIFWithImage()
	res, err := rewriteHEIF(h, metadata.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := verify.File(res.Data, metadata.Options{}); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if bytes.Contains(res.Data, []byte(testimg.Leaky)) {
		t.Error("testimg.Leaky value survived")
	}
	hf, err := bmff.ParseHEIF(res.Data)
	if err != nil {
		t.Fatal(err)
	}
	if len(hf.Items) != 1 || hf.Items[0].ID != 1 || len(hf.Items[0].Props) != 3 || hf.Items[0].Props[2].Type != "irot" {
		t.Fatalf("items after rewrite: %+v", hf.Items)
	}
	if it := hf.Items[0]; len(it.Extents) != 1 || string(res.Data[it.Extents[0][0]:it.Extents[0][1]]) != "CODED-IMAGE" {
		t.Errorf("primary item data not carried over")
	}
	for _, want := range []string{"EXIF block", "XMP packet", "thumbnail image", "auxiliary image (depth map)"} {
		if !containsPhrase(res.Removed, want) {
			t.Errorf("Removed %q lacks %q", res.Removed, want)
		}
	}
}

// TestRewriteAVIF: an AVIF (av01 items, av1C, avif brand) takes the same path.
func TestRewriteAVIF(t *testing.T) {
	a := testimg.HEIFWithImage()
	for _, r := range [][2]string{{"hvc1", "av01"}, {"hvcC", "av1C"}, {"heic", "avif"}} {
		a = bytes.ReplaceAll(a, []byte(r[0]), []byte(r[1]))
	}
	res, err := File(a, metadata.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != photo.HEIF || !res.Lossless || bytes.Contains(res.Data, []byte(testimg.Leaky)) {
		t.Fatalf("format %s lossless %v", res.Format, res.Lossless)
	}
	if !bytes.Contains(res.Data[:32], []byte("avif")) || !bytes.Contains(res.Data, []byte("av1C")) || !bytes.Contains(res.Data, []byte("CODED-IMAGE")) {
		t.Errorf("AVIF structure not carried over")
	}
}

// TestRewriteHEIFUnsupported: structures the rebuild does not carry are
// refused by it (File then re-encodes or reports the file as bad).
func TestRewriteHEIFUnsupported(t *testing.T) {
	h := testimg.HEIFWithImage()
	// Point item 2's extent at item 1's data: overlapping extents.
	hf, _ := bmff.ParseHEIF(h)
	var first, second int
	for _, it := range hf.Items {
		switch it.ID {
		case 1:
			first = it.Extents[0][0]
		case 2:
			second = it.Extents[0][0]
		}
	}
	overlap := bytes.Replace(h, testimg.BE32(uint32(second)), testimg.BE32(uint32(first)), 1)
	noPrimary := bytes.Replace(h, testimg.FullBox("pitm", 0, testimg.BE16(1)), testimg.FullBox("pitm", 0, testimg.BE16(9)), 1)
	for name, b := range map[string][]byte{"overlapping extents": overlap, "unknown primary": noPrimary} {
		// Only the primary's data is kept, so overlap with a dropped item
		// is harmless; what matters is that no error is a panic and every
		// success verifies.
		res, err := rewriteHEIF(b, metadata.Options{})
		if err != nil {
			if !errors.Is(err, errHEIFUnsupported) {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if name == "unknown primary" {
			t.Errorf("%s: rebuilt", name)
		}
		if err := verify.File(res.Data, metadata.Options{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestRewriteHEIFAbsurdSize: a primary image claiming 100000x100000 pixels is
// not rebuilt, and File reports it in one line.
func TestRewriteHEIFAbsurdSize(t *testing.T) {
	h := bytes.Replace(testimg.HEIFWithImage(), testimg.FullBox("ispe", 0, testimg.BE32(64), testimg.BE32(48)), testimg.FullBox("ispe", 0, testimg.BE32(100000), testimg.BE32(100000)), 1)
	if _, err := rewriteHEIF(h, metadata.Options{}); !errors.Is(err, errHEIFUnsupported) {
		t.Fatalf("rewriteHEIF: %v", err)
	}
	if _, err := File(h, metadata.Options{}); err == nil || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Clean: %v", err)
	}
}

// TestRewriteHEIFLocationOnly: in LocationOnly mode the rebuild carries one
// hidden Exif item, linked to the primary by cdsc, with the camera and date
// fields only; without readable EXIF the output is the All-mode output.
func TestRewriteHEIFLocationOnly(t *testing.T) {
	tests := []struct {
		name      string
		tiff      []byte // the source's EXIF
		keepsExif bool
		removed   []string
	}{
		{"camera, date, owner, time zone and GPS", testimg.PersonalEXIF(6), true,
			[]string{"EXIF GPS position", "EXIF time zone", "EXIF camera owner name", "EXIF author", "XMP packet", "thumbnail image"}},
		{"only a name and GPS", testimg.EXIF([]testimg.Entry{testimg.ASCII(0x013B, testimg.Leaky)}, nil, []testimg.Entry{testimg.ASCII(1, "N")}), false,
			[]string{"EXIF GPS position", "EXIF author", "XMP packet"}},
		{"unreadable EXIF", []byte("MM\x00\x2a\x00\x00\xff\xff" + testimg.Leaky), false,
			[]string{"EXIF block (unreadable)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := testimg.HEIFWithEXIF(tt.tiff)
			res := checkClean(t, in, metadata.LocationOnly, tt.removed...)
			if res.Format != photo.HEIF || !res.Lossless {
				t.Fatalf("format %s lossless %v: not rebuilt", res.Format, res.Lossless)
			}
			if bytes.Contains(res.Data, []byte(testimg.Leaky)) || bytes.Contains(res.Data, []byte("+01:00")) {
				t.Error("a removed value survived")
			}
			all, err := File(in, metadata.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !tt.keepsExif {
				if !bytes.Equal(res.Data, all.Data) {
					t.Error("output differs from the All-mode output")
				}
				return
			}
			if err := verify.File(res.Data, metadata.Options{}); !errors.Is(err, metadata.ErrNotClean) {
				t.Errorf("All-mode Verify accepted the Exif item: %v", err)
			}
			if containsPhrase(res.Removed, "EXIF block") {
				t.Errorf("Removed %q says the whole EXIF block went", res.Removed)
			}
			hf, err := bmff.ParseHEIF(res.Data)
			if err != nil {
				t.Fatal(err)
			}
			var exif *bmff.Item
			for _, it := range hf.Items {
				if it.Type == "Exif" {
					if exif != nil {
						t.Fatal("two Exif items")
					}
					exif = it
				}
			}
			if exif == nil || len(hf.Items) != 2 || len(exif.Refs["cdsc"]) != 1 || exif.Refs["cdsc"][0] != hf.Primary {
				t.Fatalf("Exif item %+v among %d items", exif, len(hf.Items))
			}
			if !bytes.Contains(res.Data, fullBoxBytes("infe", 2, 1, []byte("\x00\x02\x00\x00Exif\x00"))) {
				t.Error("Exif item entry is not a hidden, unnamed item 2")
			}
			d := res.Data[exif.Extents[0][0]:exif.Extents[0][1]]
			kept, _, _ := locationSafeEXIF(tt.tiff, true)
			if !bytes.Equal(d[:4], []byte{0, 0, 0, 0}) || !bytes.Equal(d[4:], kept) {
				t.Errorf("Exif item data %q, want a zero offset and %q", d, kept)
			}
			r, err := inspect.File(res.Data)
			if err != nil {
				t.Fatal(err)
			}
			for field, value := range map[string]string{"Make": "Cam", "Date/time original": "2025-07-01 12:34:56"} {
				if !slices.ContainsFunc(r.Findings, func(f metadata.Finding) bool { return f.Field == field && strings.HasPrefix(f.Value, value) }) {
					t.Errorf("Inspect lacks %s %q: %+v", field, value, r.Findings)
				}
			}
			if all.Data == nil || bytes.Equal(res.Data, all.Data) {
				t.Error("LocationOnly output is the All-mode output")
			}
		})
	}
}
