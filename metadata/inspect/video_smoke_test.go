package inspect

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"codeberg.org/veil/veil/internal/mp4/mp4test"
	"codeberg.org/veil/veil/internal/testenv"
)

func TestVideoSmoke(t *testing.T) {
	for _, in := range testenv.Files(t, "fixtures/video") {
		if filepath.Base(filepath.Dir(in)) != "video" {
			continue
		}
		r, err := Video(context.Background(), in)
		if err != nil {
			t.Logf("%s: %v", filepath.Base(in), err)
			continue
		}
		t.Logf("%s: %dx%d o%d %+v", filepath.Base(in), r.Width, r.Height, r.Orientation, r.Video)
		for _, f := range r.Findings {
			t.Logf("   %s %s [%s] %s: %.100s", f.Category, f.Severity, f.Where, f.Field, f.Value)
		}
	}
}

// FuzzInspectVideo inspects arbitrary movies: never a panic.
func FuzzInspectVideo(f *testing.F) {
	f.Add(mp4test.Build(mp4test.Phone()))
	f.Fuzz(func(t *testing.T, b []byte) {
		inspectVideo(context.Background(), bytes.NewReader(b), int64(len(b)))
	})
}
