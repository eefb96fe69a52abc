package metadata

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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

// TestRewriteHEIFCorpus: every corpus HEIF is rebuilt losslessly; the output
// verifies, keeps the primary image's data byte for byte, drops Exif and
// XMP, and (without -short) decodes to the same pixels as the original.
func TestRewriteHEIFCorpus(t *testing.T) {
	for _, p := range corpusHEIFs(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			in, _ := os.ReadFile(p)
			res, err := Clean(in, Options{})
			if err != nil {
				t.Fatalf("Clean: %v", err)
			}
			if res.Format != photo.HEIF || !res.Lossless {
				t.Fatalf("not rebuilt losslessly: %s lossless=%v removed %q", res.Format, res.Lossless, res.Removed)
			}
			if err := Verify(res.Data, Options{}); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			_, blocks, _ := Blocks(res.Data)
			for _, b := range blocks {
				if b.Kind == "item" && (b.Name == "Exif item" || strings.HasPrefix(b.Name, "mime item") || b.Name == "thumbnail item") {
					t.Errorf("output keeps %s", b.Name)
				}
			}
			t.Logf("%d -> %d bytes; removed %q", len(in), len(res.Data), res.Removed)
			if testing.Short() {
				return
			}
			want, _, werr := photo.Decode(in)
			if werr != nil {
				t.Logf("original does not decode (%v): pixels not compared", werr)
				return
			}
			got, _, err := photo.Decode(res.Data)
			if err != nil {
				t.Fatalf("output does not decode: %v", err)
			}
			a, b := photo.ToNRGBA(want), photo.ToNRGBA(got)
			if a.Rect != b.Rect || !bytes.Equal(a.Pix, b.Pix) {
				t.Errorf("pixels differ: %v vs %v", a.Rect, b.Rect)
			}
		})
	}
}

// TestRewriteHEIFExiftool: exiftool reads each output as a valid HEIF of the
// same image size and finds no identifying tag groups.
func TestRewriteHEIFExiftool(t *testing.T) {
	if testing.Short() {
		t.Skip("exiftool runs are slow")
	}
	if _, err := exec.LookPath("exiftool"); err != nil {
		t.Skip("exiftool not installed")
	}
	for _, p := range corpusHEIFs(t) {
		in, _ := os.ReadFile(p)
		res, err := Clean(in, Options{})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out := filepath.Join(t.TempDir(), "out.heic")
		os.WriteFile(out, res.Data, 0o600)
		size := func(f string) string {
			b, _ := exec.Command("exiftool", "-s3", "-ImageSize", f).Output()
			return strings.TrimSpace(string(b))
		}
		if a, b := size(p), size(out); a != b {
			t.Errorf("%s: exiftool ImageSize %q, output %q", filepath.Base(p), a, b)
		}
		all, _ := exec.Command("exiftool", "-a", "-G1", "-s", out).Output()
		for _, l := range strings.Split(string(all), "\n") {
			for _, bad := range []string{"[EXIF]", "[IFD0]", "[ExifIFD]", "[GPS]", "[XMP", "[Apple]", "[IPTC]", "Warning"} {
				if strings.HasPrefix(l, bad) {
					t.Errorf("%s: exiftool still reads %q", filepath.Base(p), l)
				}
			}
		}
	}
}

// TestRewriteHEIFBuilt: the built fixture (Exif, XMP, a thumbnail and a
// depth map around one coded image) keeps only the image and its irot.
func TestRewriteHEIFBuilt(t *testing.T) {
	h := heifWithImage()
	res, err := rewriteHEIF(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyHEIF(res.Data); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if bytes.Contains(res.Data, []byte(leaky)) {
		t.Error("leaky value survived")
	}
	hf, err := walkHEIF(res.Data)
	if err != nil {
		t.Fatal(err)
	}
	if len(hf.items) != 1 || hf.items[0].id != 1 || len(hf.items[0].props) != 3 || hf.items[0].props[2].typ != "irot" {
		t.Fatalf("items after rewrite: %+v", hf.items)
	}
	if it := hf.items[0]; len(it.extents) != 1 || string(res.Data[it.extents[0][0]:it.extents[0][1]]) != "CODED-IMAGE" {
		t.Errorf("primary item data not carried over")
	}
	for _, want := range []string{"EXIF block", "XMP packet", "thumbnail image", "auxiliary image (depth map)"} {
		if !containsPhrase(res.Removed, want) {
			t.Errorf("Removed %q lacks %q", res.Removed, want)
		}
	}
}

// TestVerifyHEIFRejects: the verifier refuses what the rewrite never writes.
func TestVerifyHEIFRejects(t *testing.T) {
	good, err := rewriteHEIF(heifWithImage())
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"original with Exif and XMP": heifFixture(),
		"trailing bytes":             append(append([]byte{}, good.Data...), "PLANTED"...),
		"extra box":                  append(append([]byte{}, good.Data...), boxBytes("udta", []byte("PLANTED"))...),
	} {
		if err := Verify(b, Options{}); !errors.Is(err, ErrNotClean) {
			t.Errorf("%s: Verify = %v", name, err)
		}
	}
}

// heifWithImage builds a HEIF whose primary item has coded data, hvcC, ispe
// and irot, around a thumbnail, a depth map, an Exif and an XMP item; iloc
// comes before iinf (box order is free).
func heifWithImage() []byte {
	exif := append([]byte{0, 0, 0, 6}, append([]byte("Exif\x00\x00"), tiffBytes([]ifdEntry{asciiEntry(0x013B, leaky)}, nil, nil)...)...)
	xmp := []byte("<x:xmpmeta>" + leaky + "</x:xmpmeta>")
	data := [][]byte{[]byte("CODED-IMAGE"), []byte("THUMB"), []byte("DEPTH"), exif, xmp}
	infe := func(id uint16, typ string, extra ...[]byte) []byte {
		return fullBox("infe", 2, be16(id), be16(0), []byte(typ), []byte(leaky+"\x00"), bytes.Join(extra, nil))
	}
	iinf := fullBox("iinf", 0, be16(5), infe(1, "hvc1"), infe(2, "hvc1"), infe(3, "hvc1"), infe(4, "Exif"),
		infe(5, "mime", []byte("application/rdf+xml\x00")))
	iref := fullBox("iref", 0, box("thmb", be16(2), be16(1), be16(1)), box("auxl", be16(3), be16(1), be16(1)),
		box("cdsc", be16(4), be16(1), be16(1)))
	ipco := box("ipco", box("hvcC", []byte{1, 2, 3}), fullBox("ispe", 0, be32(64), be32(48)), box("irot", []byte{1}),
		fullBox("auxC", 0, []byte("urn:com:apple:photo:2020:aux:depth\x00")), box("colr", []byte("prof"), iccProfile("Jane's monitor", leaky)))
	ipma := fullBox("ipma", 0, be32(3), be16(1), []byte{4, 0x81, 0x02, 0x03, 0x05}, be16(2), []byte{1, 0x81}, be16(3), []byte{2, 0x81, 0x04})
	ftyp := box("ftyp", []byte("heic"), be32(0), []byte("mif1heic"))
	build := func(mdatAt uint32) []byte {
		il := [][]byte{[]byte{0x44, 0x00}, be16(5)}
		off := mdatAt + 8
		for k, d := range data {
			il = append(il, be16(uint16(k+1)), be16(0), be16(1), be32(off), be32(uint32(len(d))))
			off += uint32(len(d))
		}
		iloc := fullBox("iloc", 0, il...)
		meta := fullBox("meta", 0, fullBox("hdlr", 0, be32(0), []byte("pict"), make([]byte, 12), []byte(leaky+"\x00")),
			fullBox("pitm", 0, be16(1)), iloc, iinf, iref, box("iprp", ipco, ipma))
		return append(append([]byte{}, ftyp...), meta...)
	}
	head := build(0)
	head = build(uint32(len(head)))
	head = append(head, box("mdat", data...)...)
	return append(head, box("udta", []byte(leaky))...)
}

// TestRewriteAVIF: an AVIF (av01 items, av1C, avif brand) takes the same path.
func TestRewriteAVIF(t *testing.T) {
	a := heifWithImage()
	for _, r := range [][2]string{{"hvc1", "av01"}, {"hvcC", "av1C"}, {"heic", "avif"}} {
		a = bytes.ReplaceAll(a, []byte(r[0]), []byte(r[1]))
	}
	res, err := Clean(a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != photo.HEIF || !res.Lossless || bytes.Contains(res.Data, []byte(leaky)) {
		t.Fatalf("format %s lossless %v", res.Format, res.Lossless)
	}
	if !bytes.Contains(res.Data[:32], []byte("avif")) || !bytes.Contains(res.Data, []byte("av1C")) || !bytes.Contains(res.Data, []byte("CODED-IMAGE")) {
		t.Errorf("AVIF structure not carried over")
	}
}

// TestRewriteHEIFUnsupported: structures the rebuild does not carry are
// refused by it (Clean then re-encodes or reports the file as bad).
func TestRewriteHEIFUnsupported(t *testing.T) {
	h := heifWithImage()
	// Point item 2's extent at item 1's data: overlapping extents.
	hf, _ := walkHEIF(h)
	var first, second int
	for _, it := range hf.items {
		switch it.id {
		case 1:
			first = it.extents[0][0]
		case 2:
			second = it.extents[0][0]
		}
	}
	overlap := bytes.Replace(h, be32(uint32(second)), be32(uint32(first)), 1)
	noPrimary := bytes.Replace(h, fullBox("pitm", 0, be16(1)), fullBox("pitm", 0, be16(9)), 1)
	for name, b := range map[string][]byte{"overlapping extents": overlap, "unknown primary": noPrimary} {
		// Only the primary's data is kept, so overlap with a dropped item
		// is harmless; what matters is that no error is a panic and every
		// success verifies.
		res, err := rewriteHEIF(b)
		if err != nil {
			if !errors.Is(err, errHEIFUnsupported) {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if name == "unknown primary" {
			t.Errorf("%s: rebuilt", name)
		}
		if err := verifyHEIF(res.Data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestRewriteHEIFAbsurdSize: a primary image claiming 100000x100000 pixels is
// not rebuilt, and Clean reports it in one line.
func TestRewriteHEIFAbsurdSize(t *testing.T) {
	h := bytes.Replace(heifWithImage(), fullBox("ispe", 0, be32(64), be32(48)), fullBox("ispe", 0, be32(100000), be32(100000)), 1)
	if _, err := rewriteHEIF(h); !errors.Is(err, errHEIFUnsupported) {
		t.Fatalf("rewriteHEIF: %v", err)
	}
	if _, err := Clean(h, Options{}); err == nil || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Clean: %v", err)
	}
}
