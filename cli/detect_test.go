package cli

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
)

func writePNG(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func TestDetectCommand(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.png")
	writePNG(t, plain, 96, 64)
	bad := filepath.Join(dir, "bad.jpg")
	if err := os.WriteFile(bad, []byte("\xff\xd8\xff\xe0 not really"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		args      []string
		status    int
		stdout    []string // substrings expected on stdout
		errLines  int      // lines expected on stderr
		jsonLines int
	}{
		{"no faces, summary", []string{plain}, 0, []string{"plain.png: 0 faces (96x64)"}, 0, 0},
		{"json", []string{"--json", plain}, 0, []string{`"width":96`, `"faces":[]`}, 0, 1},
		{"flag after file", []string{plain, "--json", "--threshold", "0.9"}, 0, []string{`"height":64`}, 0, 1},
		{"bad file, batch goes on", []string{bad, plain}, 1, []string{"plain.png: 0 faces"}, 1, 0},
		{"bad file, json", []string{"--json", bad, plain}, 1, []string{`"error":`}, 1, 2},
		{"missing", []string{filepath.Join(dir, "nope.png")}, 1, nil, 1, 0},
		{"bad threshold", []string{"--threshold=2", plain}, 2, nil, -1, 0},
		{"no files", nil, 2, nil, -1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			st := Run(append([]string{"detect"}, tc.args...), &out, &errb)
			if st != tc.status {
				t.Fatalf("status %d, want %d; stderr %q", st, tc.status, errb.String())
			}
			for _, s := range tc.stdout {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout %q lacks %q", out.String(), s)
				}
			}
			if tc.errLines >= 0 {
				if n := strings.Count(errb.String(), "\n"); n != tc.errLines {
					t.Errorf("stderr has %d lines, want %d: %q", n, tc.errLines, errb.String())
				}
			}
			if tc.jsonLines > 0 {
				lines := strings.Split(strings.TrimSpace(out.String()), "\n")
				if len(lines) != tc.jsonLines {
					t.Fatalf("%d JSON lines, want %d", len(lines), tc.jsonLines)
				}
				for _, l := range lines {
					var rec detectRecord
					if err := json.Unmarshal([]byte(l), &rec); err != nil {
						t.Errorf("not JSON: %q: %v", l, err)
					}
				}
			}
		})
	}
}

// TestDetectCommandFixture checks a real portrait: one face, its box inside
// the image and around the annotated face.
func TestDetectCommandFixture(t *testing.T) {
	p := filepath.Join(testenv.Shared(t, "fixtures/faces"), "skimage_astronaut.png")
	var out, errb bytes.Buffer
	if st := Run([]string{"detect", "--json", p}, &out, &errb); st != 0 {
		t.Fatalf("status %d: %s", st, errb.String())
	}
	var rec detectRecord
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Width != 512 || rec.Height != 512 || len(rec.Faces) != 1 {
		t.Fatalf("got %+v, want one face in 512x512", rec)
	}
	// boxes.txt annotates the astronaut's face at 178,65 91x111 (YuNet style).
	f := rec.Faces[0]
	face := image.Rect(178, 65, 178+91, 65+111)
	box := image.Rect(f.X, f.Y, f.X+f.W, f.Y+f.H)
	if !face.In(box) || !box.In(image.Rect(0, 0, 512, 512)) || f.Score < 0.5 {
		t.Errorf("box %v (score %.2f) does not cover the face %v inside the image", box, f.Score, face)
	}
}
