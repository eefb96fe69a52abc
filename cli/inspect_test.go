package cli

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
)

// inspectSample builds a JPEG with EXIF (GPS, artist, serial), XMP, a comment
// and a trailer: everything the text and JSON outputs must show.
func inspectSample(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 16, 8))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	base := buf.Bytes()
	// EXIF: IFD0 {Artist, Orientation=6, GPS pointer}, GPS IFD {lat, lon}.
	be := binary.BigEndian
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	entry := func(tag, typ uint16, count, val uint32) []byte {
		e := make([]byte, 12)
		be.PutUint16(e, tag)
		be.PutUint16(e[2:], typ)
		be.PutUint32(e[4:], count)
		be.PutUint32(e[8:], val)
		return e
	}
	artist := "Jane Roe\x00"
	ifd0 := 8
	ifd0Size := 2 + 3*12 + 4
	artistOff := ifd0 + ifd0Size
	gpsOff := artistOff + len(artist) + 1
	tiff = binary.BigEndian.AppendUint16(tiff, 3)
	tiff = append(tiff, entry(0x0112, 3, 1, 6<<16)...)
	tiff = append(tiff, entry(0x013B, 2, uint32(len(artist)), uint32(artistOff))...)
	tiff = append(tiff, entry(0x8825, 4, 1, uint32(gpsOff))...)
	tiff = append(tiff, 0, 0, 0, 0)
	tiff = append(tiff, artist...)
	tiff = append(tiff, 0)
	gpsSize := 2 + 4*12 + 4
	latOff := gpsOff + gpsSize
	lonOff := latOff + 24
	tiff = binary.BigEndian.AppendUint16(tiff, 4)
	tiff = append(tiff, entry(0x0001, 2, 2, 'N'<<24)...)
	tiff = append(tiff, entry(0x0002, 5, 3, uint32(latOff))...)
	tiff = append(tiff, entry(0x0003, 2, 2, 'W'<<24)...)
	tiff = append(tiff, entry(0x0004, 5, 3, uint32(lonOff))...)
	tiff = append(tiff, 0, 0, 0, 0)
	for _, v := range []uint32{51, 1, 30, 1, 252, 100, 0, 1, 7, 1, 2856, 100} {
		tiff = binary.BigEndian.AppendUint32(tiff, v)
	}
	seg := func(marker byte, payload []byte) []byte {
		s := []byte{0xFF, marker, 0, 0}
		be.PutUint16(s[2:], uint16(len(payload)+2))
		return append(s, payload...)
	}
	xmp := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Photo Editor 3"/></rdf:RDF></x:xmpmeta>`
	out := append([]byte{}, base[:2]...)
	out = append(out, seg(0xE1, append([]byte("Exif\x00\x00"), tiff...))...)
	out = append(out, seg(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmp...))...)
	out = append(out, seg(0xFE, []byte("sent from my phone"))...)
	out = append(out, base[2:]...)
	return append(out, "leftover bytes"...)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testenv.Golden(t, name, got)
}

// inspectDir writes the sample and a broken file into a temporary folder
// (with a sub-folder, to exercise the walk) and returns it.
func inspectDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sample.jpg"), inspectSample(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "broken.png"), []byte("not really a PNG"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("skipped: not an image name"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runInDir(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var stdout, stderr bytes.Buffer
	code := Run(append([]string{"inspect"}, args...), &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

func TestInspectText(t *testing.T) {
	dir := inspectDir(t)
	out, errOut, code := runInDir(t, dir, ".")
	if code != 1 {
		t.Errorf("exit status %d, want 1 (one file failed)", code)
	}
	if errOut != "veil inspect: "+filepath.FromSlash("sub/broken.png")+": not a supported image (JPEG, PNG, WebP, GIF, TIFF or HEIC)\n" {
		t.Errorf("stderr = %q", errOut)
	}
	golden(t, "inspect.txt", []byte(out))
	for _, s := range []string{"51.500700, -0.124600", "Jane Roe", "high (location, people, trailer)", "orientation 6"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q", s)
		}
	}
}

func TestInspectJSON(t *testing.T) {
	dir := inspectDir(t)
	out, _, code := runInDir(t, dir, "--json", "sample.jpg", "sub", "missing.jpg")
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	// The golden file has the slashes of a Unix path.
	golden(t, "inspect.jsonl", []byte(strings.ReplaceAll(out, `\\`, "/")))
	sc := bufio.NewScanner(strings.NewReader(out))
	var lines []inspectJSON
	for sc.Scan() {
		var l inspectJSON
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	if len(lines) != 3 {
		t.Fatalf("%d JSON lines, want 3", len(lines))
	}
	if l := lines[0]; l.Format != "jpeg" || l.Width != 16 || l.Height != 8 || l.Orientation != 6 || l.Error != "" || len(l.Findings) == 0 {
		t.Errorf("sample line = %+v", l)
	}
	if lines[1].Error == "" || lines[2].Error == "" || lines[2].File != "missing.jpg" {
		t.Errorf("error lines = %+v, %+v", lines[1], lines[2])
	}
}

func TestInspectUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Run([]string{"inspect", "-h"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "usage: veil inspect") {
		t.Errorf("-h: %d %q", code, stdout.String())
	}
	stdout.Reset()
	if code := Run([]string{"inspect"}, &stdout, &stderr); code != 2 {
		t.Errorf("no files: exit %d, want 2", code)
	}
	if code := Run([]string{"inspect", "--bogus", "x.jpg"}, &stdout, &stderr); code != 2 {
		t.Errorf("unknown option: exit %d, want 2", code)
	}
}
