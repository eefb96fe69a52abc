package detect

import (
	"context"
	"path/filepath"
	"testing"
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
		kept, _ := merge(all, opt.Threshold, fullScale(img.Bounds().Dx(), img.Bounds().Dy()))
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
