package detect

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/veil/veil/photo"
)

// TestDebugCandidates prints every merged detection on the fixtures with
// its pass and landmark geometry (VEIL_FACES_DEBUG=1, -v).
func TestDebugCandidates(t *testing.T) {
	if !envSet("VEIL_FACES_DEBUG") {
		t.Skip("set VEIL_FACES_DEBUG=1")
	}
	dir := repoShared(t, "fixtures/faces")
	names, truth := loadTruth(t, dir)
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	opt := DefaultOptions()
	for _, name := range names {
		img, tr := loadUpright(t, filepath.Join(dir, name), truth[name])
		jobs := planJobs(img, opt, 2)
		all, err := d.runJobs(context.Background(), jobs, opt)
		if err != nil {
			t.Fatal(err)
		}
		kept, _ := merge(all, opt.Threshold, fullScale(img.Bounds().Dx(), img.Bounds().Dy()), opt.Mirror)
		faces := make([]Face, len(kept))
		for k, c := range kept {
			faces[k] = c.face(img.Bounds().Dx(), img.Bounds().Dy(), img.Bounds().Min, 0)
		}
		hits := match(faces, tr)
		for k, c := range kept {
			// Best score per pass kind among candidates on the same face.
			var sup [5]float32 // rot0, rot1, rot2, rot3, tile
			for _, a := range all {
				in := intersection(a, c)
				if in > 0.3*(a.area()+c.area()-in) {
					kind := a.rot
					if a.tile {
						kind = 4
					}
					sup[kind] = max(sup[kind], a.score)
				}
			}
			tag := "FP"
			if hits[k] {
				tag = "TP"
			}
			t.Logf("%s %-26s sup=%.2f s=%.2f rot=%d tile=%v n=%d wh=%.0fx%.0f",
				tag, name, sup, c.score, c.rot, c.tile, c.passes, c.pw, c.ph)
		}
	}
}

// TestDebugFolder prints the faces found in every image under
// VEIL_DETECT_DIR (-v), for checking photos outside the fixture set by eye.
func TestDebugFolder(t *testing.T) {
	dir := os.Getenv("VEIL_DETECT_DIR")
	if dir == "" {
		t.Skip("set VEIL_DETECT_DIR")
	}
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		img, _, err := photo.Decode(b)
		if err != nil {
			return nil
		}
		o := photo.Orientation(b)
		img = photo.Orient(img, o)
		t0 := time.Now()
		faces, err := d.Detect(context.Background(), img, DefaultOptions())
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		var s []string
		for _, f := range faces {
			s = append(s, fmt.Sprintf("%v@%.2f", f.Raw, f.Score))
		}
		t.Logf("%s o=%d %v %v: %d faces %v", p, o, img.Bounds().Size(), time.Since(t0).Round(time.Millisecond), len(faces), s)
		if out := os.Getenv("VEIL_DETECT_OUT"); out != "" {
			// The photo with its boxes drawn (red: padded box, white: raw).
			m := photo.ToNRGBA(img)
			for _, f := range faces {
				drawRect(m, f.Box, color.NRGBA{255, 0, 0, 255})
				drawRect(m, f.Raw, color.NRGBA{255, 255, 255, 255})
			}
			var buf bytes.Buffer
			jpeg.Encode(&buf, m, &jpeg.Options{Quality: 80})
			os.WriteFile(filepath.Join(out, strings.ReplaceAll(strings.TrimPrefix(p, dir), "/", "_")+".jpg"), buf.Bytes(), 0o644)
		}
		return nil
	})
}

func drawRect(m *image.NRGBA, r image.Rectangle, c color.NRGBA) {
	th := max(1, m.Bounds().Dx()/400)
	for t := range th {
		for x := r.Min.X; x < r.Max.X; x++ {
			m.SetNRGBA(x, r.Min.Y+t, c)
			m.SetNRGBA(x, r.Max.Y-1-t, c)
		}
		for y := r.Min.Y; y < r.Max.Y; y++ {
			m.SetNRGBA(r.Min.X+t, y, c)
			m.SetNRGBA(r.Max.X-1-t, y, c)
		}
	}
}
