package inspect

import (
	"context"
	"path/filepath"
	"testing"

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
