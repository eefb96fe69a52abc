package clean

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/metadata"
)

func TestVideoSmoke(t *testing.T) {
	dir := t.TempDir()
	for _, in := range testenv.Files(t, "fixtures/video") {
		if filepath.Dir(in) != filepath.Dir(testenv.Files(t, "fixtures/video")[0]) {
			continue
		}
		out := filepath.Join(dir, filepath.Base(in))
		res, err := Video(context.Background(), in, out, metadata.Options{}, nil)
		if err != nil {
			t.Logf("%s: %v", filepath.Base(in), err)
			continue
		}
		st, _ := os.Stat(out)
		t.Logf("%s: %d bytes, removed %v %+v", filepath.Base(in), st.Size(), res.Removed, res.Video)
	}
}
