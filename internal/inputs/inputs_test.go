package inputs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{
		"b.jpg", "a.JFIF", "notes.txt", ".hidden.jpg", "album/c.hif", "album/.cache/d.jpg",
		".secret/e.jpg", "album/sub/f.png",
	} {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink(filepath.Join(dir, "b.jpg"), filepath.Join(dir, "link.jpg"))
	os.Symlink(filepath.Join(dir, "album"), filepath.Join(dir, "linkdir"))
	named := filepath.Join(dir, "notes.txt")
	missing := filepath.Join(dir, "gone.jpg")
	isImage := func(name string) bool {
		switch strings.ToLower(filepath.Ext(name)) {
		case ".jpg", ".jfif", ".hif", ".png":
			return true
		}
		return false
	}

	got := Expand([]string{named, dir, missing}, isImage)
	var rels []string
	for _, f := range got[1 : len(got)-1] {
		rels = append(rels, filepath.ToSlash(f.Rel))
		if f.Err != nil || f.Path != filepath.Join(dir, f.Rel) {
			t.Errorf("%+v", f)
		}
	}
	want := []string{"a.JFIF", "album/c.hif", "album/sub/f.png", "b.jpg"}
	if !reflect.DeepEqual(rels, want) {
		t.Errorf("found %q, want %q (hidden skipped, links not followed, name order)", rels, want)
	}
	if got[0] != (File{Path: named}) {
		t.Errorf("a file named directly is kept whatever its name: %+v", got[0])
	}
	if last := got[len(got)-1]; last.Path != missing || !errors.Is(last.Err, fs.ErrNotExist) {
		t.Errorf("missing file: %+v", last)
	}
	paths, errs := Paths(got)
	if len(paths) != 5 || len(errs) != 1 {
		t.Errorf("Paths: %d paths, %d errors", len(paths), len(errs))
	}
}
