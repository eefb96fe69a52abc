package app

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestDroppedFolderMatchesCommandLine: a folder dropped on the window gives
// the files veil clean would take from it: every image ending (.jfif and
// .hif too), hidden files and folders skipped, in name order.
func TestDroppedFolderMatchesCommandLine(t *testing.T) {
	tu := newTestUI(t)
	dir := t.TempDir()
	for _, p := range []string{"b.hif", "a.jfif", "c.JPG", "notes.txt", ".d.jpg", ".cache/e.jpg", "sub/f.png"} {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, []byte("x"), 0o644)
	}
	if err := tu.openPaths([]string{dir}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range tu.batch.items {
		rel, _ := filepath.Rel(dir, it.Path)
		got = append(got, filepath.ToSlash(rel))
	}
	want := []string{"a.jfif", "b.hif", "c.JPG", "sub/f.png"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("batch list %q, want %q", got, want)
	}
}
