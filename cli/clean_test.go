package cli

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"
	"codeberg.org/veil/veil/photo"
)

// leakyJPEG builds a small JPEG carrying a planted comment, an XMP packet and
// bytes after the end of the image, as a phone or editor might leave them.
func leakyJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for y := 0; y < 24; y++ {
		for x := 0; x < 32; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 10), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	seg := func(marker byte, payload string) []byte {
		n := len(payload) + 2
		return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, payload...)
	}
	var out []byte
	out = append(out, b[:2]...)
	out = append(out, seg(0xFE, "PLANTED comment by Jane Roe")...)
	out = append(out, seg(0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><dc:creator>PLANTED Jane Roe</dc:creator></x:xmpmeta>")...)
	out = append(out, b[2:]...)
	return append(out, "PLANTED trailer"...)
}

func TestCleanWritesVerifiedCopiesAndNeverTouchesOriginals(t *testing.T) {
	src := t.TempDir()
	sub := filepath.Join(src, "album")
	os.MkdirAll(sub, 0o755)
	leaky := leakyJPEG(t)
	files := map[string][]byte{
		filepath.Join(src, "a.jpg"):     leaky,
		filepath.Join(sub, "b.JPG"):     leaky,
		filepath.Join(sub, "bad.jpg"):   []byte("this is not a photo"),
		filepath.Join(sub, "notes.txt"): []byte("not picked up from a folder"),
	}
	old := time.Now().Add(-48 * time.Hour)
	for p, b := range files {
		os.WriteFile(p, b, 0o644)
		os.Chtimes(p, old, old)
	}
	out := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	code := Run([]string{"clean", "--json", "-o", out, src}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (one bad file); stderr: %s", code, stderr.String())
	}
	var recs []cleanRecord
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var r cleanRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not JSON Lines: %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	if len(recs) != 3 {
		t.Fatalf("got %d records, want 3 (a.jpg, album/b.JPG, album/bad.jpg): %+v", len(recs), recs)
	}
	for _, r := range recs {
		if strings.HasSuffix(r.Input, "bad.jpg") {
			if r.Status != "error" || r.Error == "" || r.Output != "" {
				t.Errorf("bad file: %+v", r)
			}
			if !strings.Contains(stderr.String(), "bad.jpg: ") || strings.Count(strings.TrimSpace(stderr.String()), "\n") > 1 {
				t.Errorf("stderr should name the bad file in one line (plus the summary): %q", stderr.String())
			}
			continue
		}
		if r.Status != "clean" || !r.Lossless || len(r.Removed) == 0 {
			t.Errorf("record %+v: want clean, lossless, something removed", r)
		}
		got, err := os.ReadFile(r.Output)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(got, []byte("PLANTED")) {
			t.Errorf("%s still contains a planted marker", r.Output)
		}
		if err := verify.File(got, metadata.Options{}); err != nil {
			t.Errorf("%s does not verify: %v", r.Output, err)
		}
		st, _ := os.Stat(r.Output)
		if time.Since(st.ModTime()) > time.Hour {
			t.Errorf("%s kept an old timestamp", r.Output)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "album", "b.JPG")); err != nil {
		t.Errorf("folder layout not mirrored: %v", err)
	}
	for p, b := range files {
		got, _ := os.ReadFile(p)
		st, _ := os.Stat(p)
		if !bytes.Equal(got, b) || !st.ModTime().Equal(old) {
			t.Errorf("original %s was modified", p)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(out, "album"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("leftover temporary file %s", e.Name())
		}
	}
}

func TestCleanRenameAndNoClobber(t *testing.T) {
	src := filepath.Join(t.TempDir(), "IMG_20250701_123456.jpg")
	os.WriteFile(src, leakyJPEG(t), 0o644)
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	for i := 0; i < 2; i++ {
		if code := Run([]string{"clean", "-o", out, src}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
	if _, err := os.Stat(filepath.Join(out, "IMG_20250701_123456 (2).jpg")); err != nil {
		t.Errorf("second run should not overwrite the first: %v", err)
	}
	if code := Run([]string{"clean", "--rename", "-o", out, src}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	entries, _ := os.ReadDir(out)
	neutral := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "photo-") {
			neutral++
		}
	}
	if neutral != 1 {
		t.Errorf("--rename: %d neutral names in %v", neutral, entries)
	}
}

func TestCleanUsageErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"no output":  {"clean", "x.jpg"},
		"no input":   {"clean", "-o", t.TempDir()},
		"bad --only": {"clean", "--only", "faces", "-o", t.TempDir(), "x.jpg"},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Run(args, &stdout, &stderr); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
		})
	}
}

func TestForEachOrderedKeepsOrder(t *testing.T) {
	var got []int
	forEachOrdered(50, 4, func(i int) int {
		time.Sleep(time.Duration(50-i) * 10 * time.Microsecond)
		return i * i
	}, func(i, r int) {
		if r != i*i {
			t.Errorf("result %d for %d", r, i)
		}
		got = append(got, i)
	})
	for i, v := range got {
		if v != i {
			t.Fatalf("reported out of order: %v", got)
		}
	}
}

func TestKeepExtCase(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    photo.Format
		want string
	}{
		{"a.JPG", photo.JPEG, ".JPG"}, {"a.jpeg", photo.JPEG, ".jpeg"}, {"a.jfif", photo.JPEG, ".jfif"},
		{"a.heic", photo.JPEG, ".jpg"}, {"a.HEIF", photo.HEIF, ".HEIF"}, {"a.avif", photo.HEIF, ".avif"},
		{"a.hif", photo.HEIF, ".hif"}, {"a.tif", photo.PNG, ".png"}, {"a.gif", photo.GIF, ".gif"},
	} {
		if got := keepExtCase(tt.name, tt.f); got != tt.want {
			t.Errorf("keepExtCase(%q, %v) = %q, want %q", tt.name, tt.f, got, tt.want)
		}
	}
}
